import type { ObjectName } from './vocab';
import { cross, normalize, sub, type Vec3 } from './math';

// The tabletop scene as MJCF, generated here so the geometry, the task samplers and the reasoning labels
// all read the same numbers. Kept close to what MuJoCo 2.2 loads (Debian's native `testspeed`), so no
// gravcomp / implicitfast / actuator kv: gravity compensation is done by the controller instead. The one
// 3.x-only setting (the multiccd flag) is dropped by scripts/export-mjcf.ts for 2.2.

/** Table top is the plane z = 0; the robot base sits on it at the origin. */
export const TABLE = { xMin: -0.25, xMax: 0.95, yMin: -0.6, yMax: 0.6, thickness: 0.04 };
/** Where free objects may be placed (tasks narrow it further). */
export const WORKSPACE = { xMin: 0.32, xMax: 0.62, yMin: -0.3, yMax: 0.3 };

export const CUBE_HALF = 0.02;
export const BOWL = { radius: 0.075, innerRadius: 0.066, height: 0.05 };
export const PLATE = { radius: 0.08, halfHeight: 0.006 };
export const CABINET = { pos: [0.76, 0.3, 0] as Vec3, halfDepth: 0.08, halfWidth: 0.1, height: 0.16 };
export const DRAWER = { travel: 0.12, handleX: -0.14, handleZ: 0.122 };
export const BUTTON = { pos: [0.7, -0.28, 0] as Vec3, baseRadius: 0.045, baseHalf: 0.015, capRadius: 0.026, travel: 0.015 };
export const HOME_QPOS = [0, -0.5, 0, -2.3, 0, 1.8, 0.785];
export const GRIPPER_OPEN = 0.04;

export const CUBE_COLORS: Record<string, [number, number, number]> = {
  red_cube: [0.86, 0.16, 0.14],
  green_cube: [0.18, 0.68, 0.26],
  blue_cube: [0.16, 0.36, 0.88],
  yellow_cube: [0.96, 0.78, 0.12],
};

export interface CameraSpec {
  name: 'front' | 'wrist';
  fovy: number;
  width: number;
  height: number;
}
export const CAMERA_SPECS: CameraSpec[] = [
  { name: 'front', fovy: 42, width: 64, height: 64 },
  { name: 'wrist', fovy: 75, width: 64, height: 64 },
];

/**
 * Local axis-aligned box (in the object's body frame) that encloses the object; projected into the
 * cameras to make the "visible objects" boxes of the reasoning labels.
 */
export const OBJECT_EXTENTS: Record<ObjectName, { center: Vec3; half: Vec3; body: string }> = {
  red_cube: { body: 'red_cube', center: [0, 0, 0], half: [CUBE_HALF, CUBE_HALF, CUBE_HALF] },
  green_cube: { body: 'green_cube', center: [0, 0, 0], half: [CUBE_HALF, CUBE_HALF, CUBE_HALF] },
  blue_cube: { body: 'blue_cube', center: [0, 0, 0], half: [CUBE_HALF, CUBE_HALF, CUBE_HALF] },
  yellow_cube: { body: 'yellow_cube', center: [0, 0, 0], half: [CUBE_HALF, CUBE_HALF, CUBE_HALF] },
  blue_bowl: { body: 'blue_bowl', center: [0, 0, BOWL.height / 2], half: [BOWL.radius, BOWL.radius, BOWL.height / 2] },
  plate: { body: 'plate', center: [0, 0, 0], half: [PLATE.radius, PLATE.radius, PLATE.halfHeight] },
  drawer: { body: 'drawer', center: [-0.02, 0, 0.07], half: [0.11, 0.09, 0.05] },
  button: { body: 'button_base', center: [0, 0, 0.025], half: [BUTTON.baseRadius, BUTTON.baseRadius, 0.025] },
};

const f = (v: number) => +v.toFixed(5);
const v3 = (v: readonly number[]) => v.map(f).join(' ');

/** MJCF `xyaxes` for a camera at `pos` looking at `target` with `up` roughly upwards in the image. */
export function lookAtXYAxes(pos: Vec3, target: Vec3, up: Vec3 = [0, 0, 1]): string {
  const fwd = normalize(sub(target, pos));
  const x = normalize(cross(fwd, up));
  const y = cross(x, fwd);
  return `${v3(x)} ${v3(y)}`;
}

function box(name: string, pos: readonly number[], half: readonly number[], rgba: string, extra = ''): string {
  return `<geom name="${name}" type="box" pos="${v3(pos)}" size="${v3(half)}" rgba="${rgba}" ${extra}/>`;
}

function armXml(): string {
  // Franka-Panda kinematics (public DH parameters): each link is a capsule from its joint to the next one
  // plus a cylinder housing the joint motor.
  const grey = '0.93 0.93 0.95 1';
  const dark = '0.22 0.23 0.26 1';
  const arm = 'contype="2" conaffinity="0"';
  const housing = (n: string, r = 0.06, h = 0.055, rgba = grey) =>
    `<geom name="${n}_housing" type="cylinder" size="${r} ${h}" rgba="${rgba}" ${arm}/>`;
  const link = (n: string, to: readonly number[], r = 0.055, rgba = grey) =>
    `<geom name="${n}_link" type="capsule" fromto="0 0 0 ${v3(to)}" size="${r}" rgba="${rgba}" ${arm}/>`;
  const joint = (n: string, range: [number, number], damping: number) =>
    `<joint name="${n}" type="hinge" axis="0 0 1" limited="true" range="${range[0]} ${range[1]}" damping="${damping}" armature="0.1"/>`;
  const finger = (n: string, quat: string) => `
                  <body name="${n}" pos="0 0 0.0584" quat="${quat}">
                    <joint name="${n}_joint" type="slide" axis="0 1 0" limited="true" range="0 ${GRIPPER_OPEN}" damping="2" armature="0.01"/>
                    ${box(`${n}_knuckle`, [0, 0.009, 0.008], [0.011, 0.009, 0.012], dark, `${arm} mass="0.03"`)}
                    ${box(`${n}_pad`, [0, 0.006, 0.036], [0.01, 0.006, 0.018], dark, `${arm} mass="0.02" condim="4" friction="1.5 0.02 0.002" solref="0.005 1"`)}
                  </body>`;
  return `
    <body name="link0" pos="0 0 0">
      <geom name="base" type="cylinder" pos="0 0 0.06" size="0.09 0.06" rgba="${dark}" ${arm}/>
      <geom name="link0_link" type="capsule" fromto="0 0 0.1 0 0 0.2" size="0.065" rgba="${grey}" ${arm}/>
      <body name="link1" pos="0 0 0.333">
        ${joint('joint1', [-2.8973, 2.8973], 60)}
        ${link('link1', [0, 0, -0.14], 0.06)}
        ${housing('link1', 0.06, 0.06)}
        <body name="link2" quat="0.70710678 -0.70710678 0 0">
          ${joint('joint2', [-1.7628, 1.7628], 60)}
          ${housing('link2')}
          ${link('link2', [0, -0.316, 0])}
          <body name="link3" pos="0 -0.316 0" quat="0.70710678 0.70710678 0 0">
            ${joint('joint3', [-2.8973, 2.8973], 40)}
            ${housing('link3', 0.055, 0.05)}
            ${link('link3', [0.0825, 0, 0], 0.05)}
            <body name="link4" pos="0.0825 0 0" quat="0.70710678 0.70710678 0 0">
              ${joint('joint4', [-3.0718, -0.0698], 40)}
              ${housing('link4', 0.055, 0.05, dark)}
              ${link('link4', [-0.0825, 0.384, 0], 0.05)}
              <body name="link5" pos="-0.0825 0.384 0" quat="0.70710678 -0.70710678 0 0">
                ${joint('joint5', [-2.8973, 2.8973], 15)}
                ${housing('link5', 0.05, 0.05)}
                <body name="link6" quat="0.70710678 0.70710678 0 0">
                  ${joint('joint6', [-0.0175, 3.7525], 15)}
                  ${housing('link6', 0.048, 0.045, dark)}
                  ${link('link6', [0.088, 0, 0], 0.045)}
                  <body name="link7" pos="0.088 0 0" quat="0.70710678 0.70710678 0 0">
                    ${joint('joint7', [-2.8973, 2.8973], 10)}
                    ${link('link7', [0, 0, 0.08], 0.042)}
                    <body name="hand" pos="0 0 0.107" quat="0.9238795 0 0 -0.3826834">
                      ${box('hand_body', [0, 0, 0.028], [0.024, 0.095, 0.028], grey, `${arm} mass="0.6"`)}
                      <site name="tcp" pos="0 0 0.1034" size="0.006" rgba="1 0.4 0 0"/>
                      <camera name="wrist" pos="0.065 0 0.035" xyaxes="${lookAtXYAxes([0.065, 0, 0.035], [0.0, 0, 0.2], [1, 0, 0])}" fovy="${CAMERA_SPECS[1].fovy}"/>
                      ${finger('left_finger', '1 0 0 0')}
                      ${finger('right_finger', '0 0 0 1')}
                    </body>
                  </body>
                </body>
              </body>
            </body>
          </body>
        </body>
      </body>
    </body>`;
}

function cubeXml(name: string): string {
  const [r, g, b] = CUBE_COLORS[name];
  return `
    <body name="${name}" pos="0.5 0 ${CUBE_HALF}">
      <freejoint name="${name}_free"/>
      <geom name="${name}" type="box" size="${CUBE_HALF} ${CUBE_HALF} ${CUBE_HALF}" rgba="${f(r)} ${f(g)} ${f(b)} 1" mass="0.05" condim="4" friction="1 0.02 0.002"/>
    </body>`;
}

function bowlXml(): string {
  const walls: string[] = [];
  const n = 16;
  const wallR = BOWL.radius - 0.004;
  const halfT = Math.PI * wallR / n + 0.002;
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    walls.push(
      `<geom name="blue_bowl_wall${i}" type="box" pos="${v3([wallR * Math.cos(a), wallR * Math.sin(a), BOWL.height / 2 + 0.003])}" ` +
        `size="0.004 ${f(halfT)} ${f(BOWL.height / 2 - 0.003)}" euler="0 0 ${f(a)}" rgba="0.2 0.42 0.9 1" mass="0.012"/>`,
    );
  }
  return `
    <body name="blue_bowl" pos="0.45 0.15 0">
      <freejoint name="blue_bowl_free"/>
      <geom name="blue_bowl_base" type="cylinder" pos="0 0 0.003" size="${BOWL.radius} 0.003" rgba="0.16 0.34 0.8 1" mass="0.15"/>
      ${walls.join('\n      ')}
    </body>`;
}

function plateXml(): string {
  return `
    <body name="plate" pos="0.45 -0.15 ${PLATE.halfHeight}">
      <freejoint name="plate_free"/>
      <geom name="plate" type="cylinder" size="${PLATE.radius} ${PLATE.halfHeight}" rgba="0.95 0.94 0.9 1" mass="0.3"/>
      <geom name="plate_rim" type="cylinder" pos="0 0 ${PLATE.halfHeight}" size="${PLATE.radius - 0.012} 0.0005" rgba="0.85 0.84 0.8 1" contype="0" conaffinity="0" mass="0.001"/>
    </body>`;
}

function cabinetXml(): string {
  const wood = '0.62 0.45 0.3 1';
  const woodDark = '0.5 0.35 0.22 1';
  const { halfDepth: hd, halfWidth: hw, height: h } = CABINET;
  const hx = DRAWER.handleX;
  return `
    <body name="cabinet" pos="${v3(CABINET.pos)}">
      ${box('cabinet_bottom', [0, 0, 0.01], [hd, hw, 0.01], wood)}
      ${box('cabinet_top', [0, 0, h - 0.01], [hd, hw, 0.01], wood)}
      ${box('cabinet_back', [hd - 0.005, 0, h / 2], [0.005, hw, h / 2 - 0.02], wood)}
      ${box('cabinet_left', [0, hw - 0.005, h / 2], [hd, 0.005, h / 2 - 0.02], wood)}
      ${box('cabinet_right', [0, -hw + 0.005, h / 2], [hd, 0.005, h / 2 - 0.02], wood)}
      <body name="drawer" pos="0 0 0">
        <joint name="drawer_slide" type="slide" axis="1 0 0" limited="true" range="${-DRAWER.travel} 0" damping="8" frictionloss="0.5"/>
        ${box('drawer_bottom', [0, 0, 0.027], [0.07, 0.085, 0.005], woodDark, 'mass="0.2"')}
        ${box('drawer_front', [-hd + 0.005, 0, 0.075], [0.005, hw - 0.012, 0.052], wood, 'mass="0.1"')}
        ${box('drawer_back', [0.065, 0, 0.05], [0.005, 0.085, 0.025], woodDark, 'mass="0.05"')}
        ${box('drawer_left', [0, 0.08, 0.05], [0.07, 0.005, 0.025], woodDark, 'mass="0.05"')}
        ${box('drawer_right', [0, -0.08, 0.05], [0.07, 0.005, 0.025], woodDark, 'mass="0.05"')}
        ${box('drawer_handle', [hx, 0, DRAWER.handleZ], [0.008, 0.045, 0.008], '0.75 0.75 0.78 1', 'mass="0.02" condim="4" friction="1.5 0.02 0.002"')}
        ${box('drawer_post_l', [(hx + (-hd)) / 2, 0.035, DRAWER.handleZ], [(-hd - hx) / 2, 0.005, 0.006], '0.75 0.75 0.78 1', 'mass="0.01"')}
        ${box('drawer_post_r', [(hx + (-hd)) / 2, -0.035, DRAWER.handleZ], [(-hd - hx) / 2, 0.005, 0.006], '0.75 0.75 0.78 1', 'mass="0.01"')}
      </body>
    </body>`;
}

function buttonXml(): string {
  const b = BUTTON;
  return `
    <body name="button_base" pos="${v3(b.pos)}">
      <geom name="button_base" type="cylinder" pos="0 0 ${b.baseHalf}" size="${b.baseRadius} ${b.baseHalf}" rgba="0.3 0.31 0.34 1"/>
      <body name="button" pos="0 0 ${2 * b.baseHalf}">
        <joint name="button_press" type="slide" axis="0 0 1" limited="true" range="${-b.travel} 0" stiffness="300" springref="0" damping="3"/>
        <geom name="button_cap" type="cylinder" pos="0 0 0.008" size="${b.capRadius} 0.008" rgba="0.9 0.12 0.1 1" mass="0.02"/>
      </body>
    </body>`;
}

/** The full tabletop MJCF. Every task uses this one scene; tasks differ in layout and goal. */
export function buildSceneXml(): string {
  const front = CAMERA_SPECS[0];
  // High enough that the button (left) and the drawer's handle (right) stay in view with the workspace.
  const frontPos: Vec3 = [1.2, 0.02, 0.95];
  const frontTarget: Vec3 = [0.5, 0.02, 0.02];
  const t = TABLE;
  return `<mujoco model="vla_tabletop">
  <compiler angle="radian" autolimits="true"/>
  <option timestep="0.002" cone="elliptic" impratio="10" integrator="Euler">
    <!-- Several contact points for flat convex pairs: without it the plate and the bowl (cylinders) rest on
         a single point and sink 2-3 mm into the table. MuJoCo 2.2 lacks the flag (scripts/export-mjcf.ts drops it). -->
    <flag multiccd="enable"/>
  </option>
  <size njmax="2000" nconmax="500"/>
  <visual><global offwidth="640" offheight="480"/><quality shadowsize="2048"/></visual>
  <default>
    <geom contype="1" conaffinity="3" solref="0.01 1" solimp="0.95 0.99 0.001" friction="1 0.01 0.001"/>
  </default>
  <worldbody>
    <light name="key" pos="0.6 -0.6 1.6" dir="-0.3 0.4 -1" diffuse="0.8 0.8 0.8" castshadow="true"/>
    <light name="fill" pos="-0.3 0.8 1.4" dir="0.4 -0.5 -1" diffuse="0.35 0.35 0.38" castshadow="false"/>
    <geom name="floor" type="plane" pos="0 0 -0.75" size="3 3 0.1" rgba="0.82 0.83 0.85 1"/>
    <geom name="table" type="box" pos="${v3([(t.xMin + t.xMax) / 2, 0, -t.thickness / 2])}" size="${v3([(t.xMax - t.xMin) / 2, t.yMax, t.thickness / 2])}" rgba="0.78 0.72 0.63 1" contype="1" conaffinity="3"/>
    ${[[-0.2, -0.55], [-0.2, 0.55], [0.9, -0.55], [0.9, 0.55]].map(([x, y], i) => `<geom name="table_leg${i}" type="box" pos="${f(x)} ${f(y)} -0.395" size="0.03 0.03 0.355" rgba="0.45 0.4 0.35 1" contype="0" conaffinity="0"/>`).join('\n    ')}
    <camera name="front" pos="${v3(frontPos)}" xyaxes="${lookAtXYAxes(frontPos, frontTarget)}" fovy="${front.fovy}"/>
    ${armXml()}
    ${['red_cube', 'green_cube', 'blue_cube', 'yellow_cube'].map(cubeXml).join('')}
    ${bowlXml()}
    ${plateXml()}
    ${cabinetXml()}
    ${buttonXml()}
  </worldbody>
  <actuator>
    ${['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6', 'joint7']
      .map((j, i) => `<position name="act_${j}" joint="${j}" kp="${i < 4 ? 2000 : 600}" ctrllimited="true" ctrlrange="${JOINT_RANGES[i][0]} ${JOINT_RANGES[i][1]}" forcelimited="true" forcerange="${i < 4 ? '-300 300' : '-80 80'}"/>`)
      .join('\n    ')}
    <position name="act_left_finger" joint="left_finger_joint" kp="400" ctrllimited="true" ctrlrange="0 ${GRIPPER_OPEN}" forcelimited="true" forcerange="-25 25"/>
    <position name="act_right_finger" joint="right_finger_joint" kp="400" ctrllimited="true" ctrlrange="0 ${GRIPPER_OPEN}" forcelimited="true" forcerange="-25 25"/>
  </actuator>
  <contact>
    <exclude body1="left_finger" body2="right_finger"/>
    <exclude body1="button_base" body2="button"/>
    <exclude body1="cabinet" body2="drawer"/>
  </contact>
</mujoco>
`;
}

export const JOINT_RANGES: [number, number][] = [
  [-2.8973, 2.8973],
  [-1.7628, 1.7628],
  [-2.8973, 2.8973],
  [-3.0718, -0.0698],
  [-2.8973, 2.8973],
  [-0.0175, 3.7525],
  [-2.8973, 2.8973],
];
