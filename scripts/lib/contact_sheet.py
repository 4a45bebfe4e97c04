#!/usr/bin/python3
"""Contact sheet of one datagen episode: front and wrist frames across the episode, with the gripper point
(filled), future points (hollow) and object boxes drawn from the episode's own label arrays, so a person
can check at a glance that pixels and labels agree.

    /usr/bin/python3 scripts/lib/contact_sheet.py DATASET/episodes/ep_000000 out.png [--frames 8] [--scale 4]
"""
import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

OBJECT_COLOURS = [(230, 40, 40), (40, 200, 70), (60, 110, 255), (250, 210, 30), (0, 220, 255), (255, 255, 255), (200, 120, 40), (255, 0, 200)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("episode")
    ap.add_argument("out")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--scale", type=int, default=4)
    a = ap.parse_args()
    ep = Path(a.episode)
    meta = json.loads((ep / "meta.json").read_text())
    card = json.loads((ep.parent.parent / "card.json").read_text()) if (ep.parent.parent / "card.json").exists() else None
    objects = card["vocab"]["objects"] if card else [str(i) for i in range(8)]
    moves = card["vocab"]["moves"] if card else None
    arr = {k: np.load(ep / f"{k}.npy") for k in ["front", "wrist", "gripper_px", "gripper_vis", "boxes", "box_vis", "subtask", "move"]}
    T, H, W, _ = arr["front"].shape
    idx = np.linspace(0, T - 1, min(a.frames, T)).round().astype(int)
    s = a.scale
    label_h = 28
    sheet = Image.new("RGB", (len(idx) * W * s, 2 * H * s + label_h + 16), (20, 20, 24))
    draw = ImageDraw.Draw(sheet)
    draw.text((4, 2), f"{meta['task']} seed {meta['seed']}: {meta['instruction']}  ({T} steps)", fill=(230, 230, 230))
    for col, t in enumerate(idx):
        sub = meta["plan"][arr["subtask"][t]] if meta.get("plan") else None
        mv = moves[arr["move"][t]] if moves else str(arr["move"][t])
        draw.text((col * W * s + 4, 14), f"t={t} {sub[0] if sub else ''} / {mv}", fill=(200, 200, 200))
        for c, cam in enumerate(["front", "wrist"]):
            img = Image.fromarray(arr[cam][t]).resize((W * s, H * s), Image.NEAREST)
            d = ImageDraw.Draw(img)
            for o in range(arr["boxes"].shape[2]):
                if arr["box_vis"][t, c, o]:
                    u0, v0, u1, v1 = arr["boxes"][t, c, o]
                    d.rectangle([u0 * W * s, v0 * H * s, u1 * W * s, v1 * H * s], outline=OBJECT_COLOURS[o % 8], width=1)
            pts = arr["gripper_px"][t, c]
            vis = arr["gripper_vis"][t, c]
            for j in range(pts.shape[0]):
                if not vis[j]:
                    continue
                x, y = pts[j, 0] * W * s, pts[j, 1] * H * s
                r = 4 if j == 0 else 3
                if j == 0:
                    d.ellipse([x - r, y - r, x + r, y + r], fill=(255, 0, 255), outline=(0, 0, 0))
                else:
                    d.ellipse([x - r, y - r, x + r, y + r], outline=(255, 0, 255), width=1)
            sheet.paste(img, (col * W * s, label_h + 8 + c * H * s))
    sheet.save(a.out)
    print(f"wrote {a.out}: frames {list(idx)}; objects {objects}")


if __name__ == "__main__":
    main()
