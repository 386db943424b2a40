"""An independent reference for TFJS graph models: a float64 numpy interpreter working in NHWC, as TensorFlow
does, with none of the importer's layout conversions. It covers the ops of posenet, selfie and meet; on the
selfie golden frame it agrees with TensorFlow.js to 1e-5. Used to make reference data for models without
TensorFlow.js goldens (meet)."""
import json, base64, sys, os
import numpy as np

def load(path):
    d = json.load(open(path))
    folder = os.path.dirname(path)
    W = {}
    for g in d['weightsManifest']:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in g['paths'])
        off = 0
        for w in g['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = w.get('quantization')
            if q and q['dtype'] == 'float16':
                v = np.frombuffer(data, '<f2', n, off).astype(np.float64); off += 2 * n
            elif w['dtype'] == 'int32':
                v = np.frombuffer(data, '<i4', n, off).astype(np.int64); off += 4 * n
            else:
                v = np.frombuffer(data, '<f4', n, off).astype(np.float64); off += 4 * n
            W[w['name']] = v.reshape(w['shape'])
        assert off == len(data)
    return d, W

def attr(n, k, default=None):
    a = n.get('attr', {}).get(k)
    if a is None: return default
    if 'list' in a:
        l = a['list']
        if 's' in l: return [base64.b64decode(s).decode() for s in l['s']]
        return [int(i) for i in l.get('i', [])]
    if 's' in a: return base64.b64decode(a['s']).decode()
    if 'b' in a: return a['b']
    if 'f' in a: return a['f']
    return default

def same_pads(n, k, s, d=1):
    eff = (k - 1) * d + 1
    out = -(-n // s)
    tot = max((out - 1) * s + eff - n, 0)
    return tot // 2, tot - tot // 2, out

def conv(x, f, strides, padding, depthwise=False):
    _, H, Wd, C = x.shape
    kh, kw = f.shape[:2]
    sh, sw = strides[1], strides[2]
    if padding == 'SAME':
        t, b, oh = same_pads(H, kh, sh); l, r, ow = same_pads(Wd, kw, sw)
    else:
        t = b = l = r = 0; oh = (H - kh) // sh + 1; ow = (Wd - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    cout = f.shape[2] * f.shape[3] if depthwise else f.shape[3]
    acc = np.zeros((1, oh, ow, cout))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, ky:ky + sh * (oh - 1) + 1:sh, kx:kx + sw * (ow - 1) + 1:sw, :]
            if depthwise:
                acc += (patch[..., :, None] * f[ky, kx][None, None, None]).reshape(1, oh, ow, cout)
            else:
                acc += patch @ f[ky, kx]
    return acc

def act(name, v, n):
    if name == 'Relu': return np.maximum(v, 0)
    if name == 'Relu6': return np.clip(v, 0, 6)
    if name == 'Sigmoid': return 1 / (1 + np.exp(-v))
    raise ValueError(name)

def resize_bilinear(x, size, half):
    _, H, Wd, C = x.shape
    oh, ow = size
    def taps(n_in, n_out):
        s = n_in / n_out
        o = np.arange(n_out)
        src = (o + 0.5) * s - 0.5 if half else o * s
        lo = np.floor(src); frac = src - lo
        return np.maximum(lo, 0).astype(int), np.minimum(np.ceil(src), n_in - 1).astype(int), frac
    y0, y1, fy = taps(H, oh); x0, x1, fx = taps(Wd, ow)
    top = x[:, y0] + (x[:, y1] - x[:, y0]) * fy[None, :, None, None]
    return top[:, :, x0] + (top[:, :, x1] - top[:, :, x0]) * fx[None, None, :, None]

def backprop_input(sizes, f, x, strides, padding):
    _, H, Wd, C = x.shape
    _, OH, OW, OC = sizes
    kh, kw = f.shape[:2]; s = strides[1]
    if padding == 'SAME':
        t = max((H - 1) * s + kh - OH, 0) // 2; l = max((Wd - 1) * s + kw - OW, 0) // 2
    else:
        t = l = 0
    big = np.zeros((1, (H - 1) * s + kh, (Wd - 1) * s + kw, OC))
    for ky in range(kh):
        for kx in range(kw):
            big[:, ky:ky + s * (H - 1) + 1:s, kx:kx + s * (Wd - 1) + 1:s, :] += x @ f[ky, kx].T
    return big[:, t:t + OH, l:l + OW, :]

def run(d, W, inp):
    nodes = {n['name']: n for n in d['modelTopology']['node']}
    vals = dict(W)
    def get(name):
        name = name.split(':')[0]
        if name not in vals: compute(nodes[name])
        return vals[name]
    def compute(n):
        op = n['op']; ins = [i for i in n.get('input', []) if not i.startswith('^')]
        a = lambda i: get(ins[i])
        if op == 'Placeholder': v = inp
        elif op in ('Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative'):
            v = conv(a(0), a(1), attr(n, 'strides'), attr(n, 'padding'), 'Depthwise' in op)
            fused = attr(n, 'fused_ops', [])
            if fused:
                v = v + a(2)
                for fo in fused[1:]: v = act(fo, v, n)
        elif op in ('Add', 'AddV2', 'BiasAdd'): v = a(0) + a(1)
        elif op == 'AddN': v = sum(get(i) for i in ins)
        elif op == 'Mul': v = a(0) * a(1)
        elif op in ('Relu', 'Relu6', 'Sigmoid'): v = act(op, a(0), n)
        elif op == 'AvgPool':
            k = attr(n, 'ksize'); s = attr(n, 'strides'); assert attr(n, 'padding') == 'VALID' and k == s
            x = a(0); _, H, Wd, C = x.shape
            v = x[:, :H // k[1] * k[1], :Wd // k[2] * k[2]].reshape(1, H // k[1], k[1], Wd // k[2], k[2], C).mean(axis=(2, 4))
        elif op == 'Reshape': v = a(0).reshape(tuple(int(s) for s in a(1)))
        elif op == 'MatMul':
            x, y = a(0), a(1)
            if attr(n, 'transpose_a', False): x = x.T
            if attr(n, 'transpose_b', False): y = y.T
            v = x @ y
        elif op == 'ConcatV2': v = np.concatenate([get(i) for i in ins[:-1]], axis=int(get(ins[-1])))
        elif op == 'ResizeBilinear':
            assert not attr(n, 'align_corners', False)
            v = resize_bilinear(a(0), [int(s) for s in a(1)], attr(n, 'half_pixel_centers', False))
        elif op == 'Conv2DBackpropInput': v = backprop_input([int(s) for s in a(0)], a(1), a(2), attr(n, 'strides'), attr(n, 'padding'))
        elif op == 'Identity': v = a(0)
        else: raise ValueError(op)
        vals[n['name']] = v
    outs = [o['name'].split(':')[0] for o in d['signature']['outputs'].values()]
    return {o: get(o) for o in outs}

def pooled(v, k):
    """Mean over k x k pixel blocks of an NHWC value: a compact fingerprint of a dense map."""
    _, h, w, c = v.shape
    return v.reshape(1, h // k, k, w // k, k, c).mean(axis=(2, 4))

if __name__ == '__main__':
    # tfref.py MODEL.json FRAMES.rgb WIDTH HEIGHT pm1|unit FRAME TOP ROWS POOL OUT_PREFIX
    # runs frame FRAME (rows TOP..TOP+ROWS) and writes OUT_PREFIX.<output>.pool<POOL>.f32 (NHWC float32 LE).
    # meet.f000.segment.pool8.f32 was made with:
    #   tfref.py meet.json vtest_f100-104_256x256.rgb 256 256 unit 0 56 144 8 meet.f000
    model, frames, w, h, scale, f, top, rows, k, prefix = sys.argv[1:11]
    w, h, f, top, rows, k = int(w), int(h), int(f), int(top), int(rows), int(k)
    rgb = np.fromfile(frames, np.uint8)[f * w * h * 3:(f + 1) * w * h * 3].reshape(1, h, w, 3)[:, top:top + rows]
    x = rgb.astype(np.float64) / 127.5 - 1 if scale == 'pm1' else rgb.astype(np.float64) / 255
    d, W = load(model)
    for name, v in run(d, W, x).items():
        pooled(v, k).astype('<f4').tofile('%s.%s.pool%d.f32' % (prefix, name.replace('/', '_'), k))
