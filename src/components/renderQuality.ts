// Software rasterisers (SwiftShader, llvmpipe) draw a full-window PBR scene with soft shadows at about one
// frame per second and take every core doing it, starving the sim worker. On them the main view drops to
// a cheaper look; `?quality=high|low` overrides the guess.

export type RenderQuality = 'high' | 'low';

export function detectSoftwareRenderer(): { software: boolean; renderer: string } {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return { software: true, renderer: 'none' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer), renderer };
  } catch {
    return { software: true, renderer: 'unknown' };
  }
}

let cached: RenderQuality | null = null;

export function renderQuality(): RenderQuality {
  if (cached) return cached;
  const forced = new URLSearchParams(location.search).get('quality');
  cached = forced === 'high' || forced === 'low' ? forced : detectSoftwareRenderer().software ? 'low' : 'high';
  return cached;
}
