import { cameraKey, CODEBASE_VERSION, DATA_PATH_TEMPLATE, VIDEO_PATH_TEMPLATE } from './layout';
import type { SourceDataset } from './source';

// meta/info.json of a LeRobot v3.0 dataset: the keys of LeRobot's DatasetInfo / create_empty_dataset_info
// and nothing else (LeRobot warns about and drops unknown keys), the features in the form its datasets
// are recorded with (the robot's features, then the default frame columns).

export const ACTION = 'action';
export const STATE = 'observation.state';
/** The reasoning text column (docs/lerobot.md), a string feature LeRobot loads but keeps no stats for. */
export const REASONING = 'reasoning';

export interface Feature {
  dtype: string;
  shape: number[];
  names: string[] | null;
  info?: Record<string, string | number | boolean>;
}

/** How the videos were encoded, for each video feature's info block (LeRobot's get_video_info keys). */
export interface VideoEncoding {
  codec: string;
  pixFmt: string;
}

/** The robot_type in info.json: the simulated Franka-like arm (both exporters). */
export const ROBOT_TYPE = 'vla_playground_franka_sim';

/** The videos both exporters write (libx264 in the CLI, WebCodecs in the browser): H.264 in 4:2:0. */
export const H264_VIDEO: VideoEncoding = { codec: 'h264', pixFmt: 'yuv420p' };

/** LeRobot's DEFAULT_FEATURES: every frame's timestamp and indices. */
export const FRAME_FEATURES: Record<string, Feature> = {
  timestamp: { dtype: 'float32', shape: [1], names: null },
  frame_index: { dtype: 'int64', shape: [1], names: null },
  episode_index: { dtype: 'int64', shape: [1], names: null },
  index: { dtype: 'int64', shape: [1], names: null },
  task_index: { dtype: 'int64', shape: [1], names: null },
};

export function buildFeatures(ds: SourceDataset, video: VideoEncoding): Record<string, Feature> {
  const features: Record<string, Feature> = {
    [ACTION]: { dtype: 'float32', shape: [ds.actionNames.length], names: [...ds.actionNames] },
    [STATE]: { dtype: 'float32', shape: [ds.stateNames.length], names: [...ds.stateNames] },
  };
  for (const cam of ds.cameras) {
    features[cameraKey(cam.name)] = {
      dtype: 'video',
      shape: [cam.height, cam.width, 3],
      names: ['height', 'width', 'channels'],
      info: {
        'video.height': cam.height,
        'video.width': cam.width,
        'video.codec': video.codec,
        'video.pix_fmt': video.pixFmt,
        'video.is_depth_map': false,
        'video.fps': ds.fps,
        'video.channels': 3,
        has_audio: false,
      },
    };
  }
  features[REASONING] = { dtype: 'string', shape: [1], names: null };
  return { ...features, ...FRAME_FEATURES };
}

/** Keys of features LeRobot computes stats for (all but strings). */
export const statsKeys = (features: Record<string, Feature>) => Object.keys(features).filter((k) => features[k].dtype !== 'string');

export const videoKeys = (features: Record<string, Feature>) => Object.keys(features).filter((k) => features[k].dtype === 'video');

export interface InfoTotals {
  episodes: number;
  frames: number;
  tasks: number;
}

export interface InfoSettings {
  robotType: string | null;
  chunksSize: number;
  dataFilesSizeMb: number;
  videoFilesSizeMb: number;
}

export function buildInfo(ds: SourceDataset, features: Record<string, Feature>, totals: InfoTotals, settings: InfoSettings) {
  return {
    codebase_version: CODEBASE_VERSION,
    robot_type: settings.robotType,
    total_episodes: totals.episodes,
    total_frames: totals.frames,
    total_tasks: totals.tasks,
    chunks_size: settings.chunksSize,
    data_files_size_in_mb: settings.dataFilesSizeMb,
    video_files_size_in_mb: settings.videoFilesSizeMb,
    fps: ds.fps,
    splits: { train: `0:${totals.episodes}` },
    data_path: DATA_PATH_TEMPLATE,
    video_path: videoKeys(features).length ? VIDEO_PATH_TEMPLATE : null,
    features,
  };
}

export type LeRobotInfo = ReturnType<typeof buildInfo>;
