"""Reads gl.xml, the overrides file and the opcode list into a command model.

Every command of the selection (GL 4.6 compatibility and core, GLES 2.0-3.2,
and the extensions listed in extensions.txt) is reduced to its alias root, so
glBindBufferARB and glBindBuffer share one opcode and one host entry. Each
root is then classified: 'gen' (both sides generated), 'custom' (wire struct
generated, handlers hand-written on both sides) or 'unsupported' (with the
reason the generator could not express it).
"""
import re
import xml.etree.ElementTree as ET

# Wire type of a scalar argument: (C type on the wire, size). Narrow GL types
# are widened to 32 bits; pointer-sized and 64-bit types are always 64 bits.
SCALAR = {
    'GLenum': ('uint32_t', 4), 'GLuint': ('uint32_t', 4), 'GLint': ('int32_t', 4),
    'GLsizei': ('int32_t', 4), 'GLfloat': ('float', 4), 'GLclampf': ('float', 4),
    'GLbitfield': ('uint32_t', 4), 'GLboolean': ('uint32_t', 4), 'GLbyte': ('int32_t', 4),
    'GLubyte': ('uint32_t', 4), 'GLshort': ('int32_t', 4), 'GLushort': ('uint32_t', 4),
    'GLchar': ('int32_t', 4), 'GLhalfNV': ('uint32_t', 4), 'GLhalf': ('uint32_t', 4),
    'GLhandleARB': ('uint32_t', 4), 'GLfixed': ('int32_t', 4), 'GLclampx': ('int32_t', 4),
    'GLdouble': ('double', 8), 'GLclampd': ('double', 8),
    'GLint64': ('int64_t', 8), 'GLint64EXT': ('int64_t', 8),
    'GLuint64': ('uint64_t', 8), 'GLuint64EXT': ('uint64_t', 8),
    'GLintptr': ('int64_t', 8), 'GLsizeiptr': ('int64_t', 8),
    'GLintptrARB': ('int64_t', 8), 'GLsizeiptrARB': ('int64_t', 8),
    'GLsync': ('uint64_t', 8),
}

# Bytes of one array element on the wire (the guest's native size; 64-bit guests).
ELEM = {
    'GLfloat': 4, 'GLclampf': 4, 'GLdouble': 8, 'GLclampd': 8, 'GLint': 4, 'GLuint': 4,
    'GLenum': 4, 'GLsizei': 4, 'GLbitfield': 4, 'GLshort': 2, 'GLushort': 2, 'GLbyte': 1,
    'GLubyte': 1, 'GLchar': 1, 'GLcharARB': 1, 'GLboolean': 1, 'void': 1, 'GLvoid': 1,
    'GLhalfNV': 2, 'GLhalf': 2, 'GLint64': 8, 'GLuint64': 8, 'GLint64EXT': 8,
    'GLuint64EXT': 8, 'GLintptr': 8, 'GLsizeiptr': 8, 'GLhandleARB': 4, 'GLfixed': 4,
}

# gl.xml object classes -> the namespace the host maps them in. Shaders and
# programs share one namespace in GL.
CLASSES = {
    'buffer': 'SGL_OBJ_BUFFER', 'texture': 'SGL_OBJ_TEXTURE',
    'renderbuffer': 'SGL_OBJ_RENDERBUFFER', 'framebuffer': 'SGL_OBJ_FRAMEBUFFER',
    'vertex array': 'SGL_OBJ_VERTEX_ARRAY', 'program': 'SGL_OBJ_PROGRAM',
    'shader': 'SGL_OBJ_PROGRAM', 'query': 'SGL_OBJ_QUERY', 'sampler': 'SGL_OBJ_SAMPLER',
    'transform feedback': 'SGL_OBJ_TRANSFORM_FEEDBACK',
    'program pipeline': 'SGL_OBJ_PROGRAM_PIPELINE', 'display list': 'SGL_OBJ_DISPLAY_LIST',
    'sync': 'SGL_OBJ_SYNC', 'fragment shader ATI': 'SGL_OBJ_FRAGMENT_SHADER_ATI',
    'program ARB': 'SGL_OBJ_PROGRAM_ARB',
}

LEN_TOKEN = re.compile(r'\s*(?:(\d+)|([A-Za-z_]\w*)|(\*|/))')


class Param:
    def __init__(self, name, ctype, base, ptr, const, length, cls):
        self.name, self.ctype, self.base = name, ctype, base
        self.ptr, self.const, self.len, self.cls = ptr, const, length, cls
        self.kind = None        # scalar | in | out | string | gen | del | names | offset | ptr_or_off | out_or_off
        self.binding = None     # GL_*_BINDING pname for offset kinds
        self.len_c = None       # parsed length: list of ('const'|'param'|'pname'|'fn', value) and ops
        self.image = None       # 'unpack' | 'pack' when the segment is a client image
        self.bit = None         # bit in the command's nullmask / offmask
        self.nullable = False   # NULL means something to GL (glBufferData data)
        self.hooked = False     # an object name the command's pre hook maps itself
        self.names_by = None    # out value holding an object name when PARAM (a pname) names one
        self.zero_ok = True     # object name 0 is meaningful here
        self.textarget = None   # check_textarget DIMS: the host checks the texture target
        self.check_level = False    # check_level: the host checks the mipmap level
        self.check_texunit = False  # check_texunit: the host checks the texture unit
        self.uniform_count = None   # uniform_count LOCATION [PROGRAM]: the guest cuts a huge count


class Command:
    def __init__(self, name, ret, ret_cls, params):
        self.name, self.ret, self.ret_cls, self.params = name, ret, ret_cls, params
        self.aliases = [name]
        self.kind = 'gen'
        self.reason = ''
        self.opcode = None
        self.creates = None     # namespace of a name created by the return value
        self.pre = self.post = self.track = False
        self.wrap = self.prepare = self.sync_maps = False
        self.arrays_dirty = self.arrays_guard = False
        self.redirect = False   # guest side: hand-written wrapper / pre-draw hook
        self.is_query = False   # glIs*: unknown names answer GL_FALSE
        self.delete_scalar = False
        self.zero_ok = False    # zero_ok: object name 0 reaches GL (it means "none")
        self.check_image = None     # check_image unit|name PARAM: the image must exist
        self.shared = None      # custom FN: the host handler is sgl_hand_FN(d, opcode, p, size)
        self.guest_only = False     # guest_only: the guest answers it, the host refuses it
        self.directives = []    # (line number, words) of every overrides line applied

    @property
    def short(self):
        return self.name[2:]


def _text_until_name(elem):
    out = elem.text or ''
    for child in elem:
        if child.tag == 'name':
            break
        out += ''.join(child.itertext()) + (child.tail or '')
    return ' '.join(out.split())


def parse_registry(path):
    reg = ET.parse(path).getroot()
    cmds, aliases = {}, {}
    for c in reg.find('commands'):
        proto = c.find('proto')
        name = proto.find('name').text
        ret = _text_until_name(proto)
        params = []
        for p in c.findall('param'):
            pname = p.find('name').text
            ctype = _text_until_name(p)
            ptr = ctype.count('*')
            const = ctype.startswith('const')
            base = ctype.replace('const', '').replace('*', '').strip()
            params.append(Param(pname, ctype, base, ptr, const, p.get('len'), p.get('class')))
        cmds[name] = Command(name, ret, proto.get('class'), params)
        a = c.find('alias')
        if a is not None:
            aliases[name] = a.get('name')
    return reg, cmds, aliases


# The APIs whose commands are carried: GL 1.0-4.6, GLES 1.1 (gl.xml's
# feature 1.0 of api gles1 holds 1.1's commands) and GLES 2.0-3.2.
APIS = (None, 'gl', 'gles1', 'gles2')


def select(reg, extensions):
    sel = set()
    for f in reg.findall('feature'):
        api, num = f.get('api'), tuple(map(int, f.get('number').split('.')))
        if (api == 'gl' and num <= (4, 6)) or (api == 'gles2' and num <= (3, 2)) or \
                (api == 'gles1' and num <= (1, 0)):
            for r in f.findall('require'):
                sel.update(c.get('name') for c in r.findall('command'))
    for e in reg.find('extensions'):
        if e.get('name') not in extensions:
            continue
        for r in e.findall('require'):
            if r.get('api') in APIS:
                sel.update(c.get('name') for c in r.findall('command'))
    return sel


def roots(sel, cmds, aliases):
    """Alias root of every selected command; roots keep their alias names."""
    out = {}
    for n in sorted(sel):
        r = n
        while r in aliases and aliases[r] in cmds and aliases[r] != r:
            r = aliases[r]
        root = out.setdefault(r, cmds[r])
        if n != r and n not in root.aliases:
            root.aliases.append(n)
    return out


def read_list(path):
    with open(path) as f:
        return [ln.split('#', 1)[0].strip() for ln in f if ln.split('#', 1)[0].strip()]


def read_opcodes(path):
    ops = {}
    for i, ln in enumerate(read_list(path)):
        num, name = ln.split()
        if int(num) != i + 1:
            raise SystemExit(f'{path}: opcode {num} ({name}) out of order: the list is append-only')
        if name in ops:
            raise SystemExit(f'{path}: {name} listed twice')
        ops[name] = int(num)
    return ops


def read_overrides(path):
    """One directive a line: `glName directive args...`; glName may be a
    glob (`glBind*`) or `*` for the file-wide directives. Returns
    {name: [(line number, words)]}."""
    ov = {}
    with open(path) as f:
        for num, ln in enumerate(f, 1):
            ln = ln.split('#', 1)[0].strip()
            if ln:
                words = ln.split()
                ov.setdefault(words[0], []).append((num, words[1:]))
    return ov


def expand_overrides(ov, names):
    """Glob lines applied to every matching root name, in file order; `*`
    lines returned apart. Every name and glob must match a root."""
    import fnmatch
    out, file_wide = {}, []
    for key, lines in ov.items():
        if key == '*':
            file_wide += lines
            continue
        if any(ch in key for ch in '*?['):
            hits = [n for n in sorted(names) if fnmatch.fnmatchcase(n, key)]
        else:
            hits = [key] if key in names else []
        if not hits:
            raise SystemExit(f'overrides.txt:{lines[0][0]}: {key} matches no selected root command')
        for n in hits:
            out.setdefault(n, []).extend(lines)
    for n in out:
        out[n].sort()
    return out, file_wide


def parse_len(expr, pnames):
    """A length expression as a token list, or None if we cannot evaluate it."""
    if expr is None:
        return None
    m = re.fullmatch(r'COMPSIZE\((\w+)\)', expr)
    if m and m.group(1) in pnames and m.group(1) == 'pname':
        return [('pname', 'pname')]
    # pcount(ARG): the value count of the pname held in ARG (glGet*i_v's target).
    m = re.fullmatch(r'pcount\((\w+)\)', expr)
    if m:
        return [('pname', m.group(1))] if m.group(1) in pnames else None
    # getmap(target,query), pixelmap(map), atomicbuf(program,index,pname):
    # element counts that depend on GL state (an evaluator's order, a pixel
    # map's size, an atomic counter buffer's counters), which each side asks
    # its GL for: sgl_enc_FN_count / sgl_dec_FN_count.
    m = re.fullmatch(r'(getmap|pixelmap|atomicbuf)\(([\w,]+)\)', expr)
    if m:
        args = m.group(2).split(',')
        return [('state', (m.group(1), args))] if all(a in pnames for a in args) else None
    m = re.fullmatch(r'(image|index|clearbuffer|indirect|map1|map2)\(([\w,]+)\)', expr)
    if m:
        args = m.group(2).split(',')
        if all(a in pnames or a.isdigit() for a in args):
            return [('fn', (m.group(1), args))]
        return None
    toks, pos, nparams = [], 0, 0
    while pos < len(expr):
        m = LEN_TOKEN.match(expr, pos)
        if not m:
            return None
        num, ident, op = m.groups()
        if num:
            toks.append(('const', int(num)))
        elif ident:
            if ident not in pnames:
                return None
            toks.append(('param', ident))
            nparams += 1
        else:
            toks.append(('op', op))
        pos = m.end()
    # term (op term)*, and at most one parameter so 64-bit arithmetic on
    # 32-bit values cannot overflow before the checked multiply by the
    # element size.
    if not toks or len(toks) % 2 == 0 or nparams > 1:
        return None
    for i, t in enumerate(toks):
        if (t[0] == 'op') != (i % 2 == 1):
            return None
    return toks
