"""VLA Playground training package: dataset reader, tokenizer, model, training loop and ONNX export.

Run modules with `PYTHONPATH=training /usr/bin/python3 -m vla.train ...` (see scripts/train.sh).
"""
