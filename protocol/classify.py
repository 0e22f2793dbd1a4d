"""Decides how each root command travels: its parameter kinds and wire layout."""
import re

from registry import SCALAR, ELEM, CLASSES, parse_len

# GL's naming conventions, which gl.xml does not mark: glGen*s / glCreate*s
# fill arrays with new names, glDelete* free them, glIs* ask about one.
GEN_RE = re.compile(r'gl(Gen|Create)[A-Z]\w*s(EXT|ARB|OES|NV|AMD|APPLE|INTEL)?$')
DELETE_RE = re.compile(r'glDelete[A-Z]\w*')
IS_RE = re.compile(r'glIs[A-Z]\w*')


class Unsupported(Exception):
    pass


def _apply_param_overrides(cmd, directives):
    byname = {p.name: p for p in cmd.params}
    cmd.directives = list(directives)
    for num, d in directives:
        if d[0] in byname:
            p, what, args = byname[d[0]], d[1], d[2:]
            if what == 'len':
                p.len = args[0]
            elif what == 'string':
                p.kind = 'string'
            elif what == 'class':
                p.cls = args[0].replace('_', ' ')
            elif what in ('offset', 'ptr_or_offset', 'out_or_offset'):
                p.kind = {'offset': 'offset', 'ptr_or_offset': 'ptr_or_off',
                          'out_or_offset': 'out_or_off'}[what]
                p.binding = args[0]
                if len(args) > 1:
                    p.len = args[1]
                if p.len and p.len.startswith('image('):
                    p.image = 'pack' if what == 'out_or_offset' else 'unpack'
            elif what == 'in':
                p.kind = 'in'
            elif what == 'nullable':
                p.nullable = True
            elif what == 'hooked':
                p.hooked = True
            elif what == 'names_by':
                p.names_by = args[0]
            elif what == 'check_textarget':
                p.textarget = int(args[0])
            elif what == 'check_level':
                p.check_level = True
            elif what == 'check_texunit':
                p.check_texunit = True
            elif what == 'uniform_count':
                if not args or len(args) > 2 or any(a not in byname for a in args):
                    raise SystemExit(f'overrides.txt:{num}: {cmd.name} uniform_count LOCATION [PROGRAM]')
                p.uniform_count = args
            else:
                raise SystemExit(f'overrides.txt:{num}: {cmd.name} {" ".join(d)}: unknown directive')
        elif d[0] == 'custom':
            cmd.kind = 'custom'
            cmd.shared = d[1] if len(d) > 1 else None
        elif d[0] == 'guest_only':
            cmd.kind = 'custom'
            cmd.guest_only = True
        elif d[0] == 'unsupported':
            cmd.kind = 'unsupported'
            cmd.reason = ' '.join(d[1:]) or 'marked unsupported in overrides'
        elif d[0] == 'creates':
            cmd.creates = CLASSES[args_join(d[1:])]
        elif d[0] == 'track':
            cmd.track = True
        elif d[0] == 'arrays_dirty':
            cmd.arrays_dirty = True
        elif d[0] == 'arrays_guard':
            cmd.arrays_guard = True
        elif d[0] == 'wrap':
            cmd.wrap = True
        elif d[0] == 'prepare':
            cmd.prepare = True
        elif d[0] == 'sync_maps':
            cmd.sync_maps = True
        elif d[0] == 'pre':
            cmd.pre = True
        elif d[0] == 'redirect':
            cmd.pre = cmd.redirect = True   # the pre hook makes another call instead
        elif d[0] == 'post':
            cmd.post = True
        elif d[0] == 'zero_ok':
            cmd.zero_ok = True
        elif d[0] == 'check_image':
            if d[1] not in ('unit', 'name') or d[2] not in byname:
                raise SystemExit(f'overrides.txt:{num}: {cmd.name} check_image unit|name PARAM')
            cmd.check_image = (d[1], d[2])
        else:
            raise SystemExit(f'overrides.txt:{num}: {cmd.name} {" ".join(d)}: unknown directive')


def args_join(words):
    return ' '.join(words).replace('_', ' ')


def _classify_param(cmd, p, pnames):
    if p.cls and p.cls not in CLASSES:
        raise Unsupported(f'object class "{p.cls}" of {p.name}')
    if not p.ptr:
        if p.base not in SCALAR:
            raise Unsupported(f'{p.name} has type {p.ctype}')
        p.kind = 'scalar'
        return
    if p.kind in ('offset',):
        return
    if p.ptr > 1:
        raise Unsupported(f'{p.name} is a pointer to pointers ({p.ctype})')
    if p.base not in ELEM:
        raise Unsupported(f'{p.name} points to {p.base}')
    if p.kind is None and p.base in ('GLchar', 'GLcharARB') and p.const and (
            p.len is None or p.len == 'COMPSIZE(name)'):
        p.kind = 'string'
    if p.kind == 'string':
        return
    toks = parse_len(p.len, pnames)
    if toks is None:
        raise Unsupported(f'length of {p.name} is {p.len!r}')
    p.len_c = toks
    if p.kind in ('ptr_or_off', 'out_or_off', 'in'):
        return
    if p.cls:
        if GEN_RE.match(cmd.name) and not p.const:
            p.kind = 'gen'
        elif DELETE_RE.match(cmd.name) and p.const:
            p.kind = 'del'
        elif p.const:
            p.kind = 'names'
        else:
            p.kind = 'outnames'
    else:
        p.kind = 'in' if p.const else 'out'


def file_wide(lines):
    """The `*` lines: {directive: [args]}."""
    out = {}
    for num, words in lines:
        if words[0] != 'zero_checked':
            raise SystemExit(f'overrides.txt:{num}: * {words[0]}: unknown file-wide directive')
        out.setdefault(words[0], []).extend(args_join([w]) for w in words[1:])
    return out


def classify(cmd, overrides, zero_checked):
    _apply_param_overrides(cmd, overrides.get(cmd.name, []))
    if cmd.kind in ('unsupported', 'custom'):
        return      # custom wire structs are hand-written in sgl_wire.h
    pnames = {p.name for p in cmd.params}
    try:
        for p in cmd.params:
            _classify_param(cmd, p, pnames)
        if cmd.ret not in ('void',) and cmd.ret not in SCALAR:
            raise Unsupported(f'returns {cmd.ret}')
        if cmd.ret == 'GLsync' and not cmd.creates:
            raise Unsupported('returns a GLsync')
        if cmd.ret_cls and not cmd.creates:
            raise Unsupported(f'returns a new {cmd.ret_cls} name')
    except Unsupported as e:
        if cmd.kind == 'custom':
            raise SystemExit(f'{cmd.name}: custom, but its wire struct cannot be made: {e}')
        cmd.kind = 'unsupported'
        cmd.reason = str(e)
        return
    for p in cmd.params:
        p.zero_ok = not (p.kind == 'scalar' and p.cls in zero_checked and not cmd.zero_ok)
    cmd.is_query = bool(IS_RE.match(cmd.name)) and cmd.ret == 'GLboolean' and \
        len(cmd.params) == 1 and cmd.params[0].cls is not None
    cmd.delete_scalar = bool(DELETE_RE.match(cmd.name)) and len(cmd.params) == 1 and \
        cmd.params[0].kind == 'scalar' and cmd.params[0].cls is not None
    bit = 0
    for p in cmd.params:
        if p.kind in ('in', 'string', 'ptr_or_off', 'out_or_off', 'names', 'del', 'gen'):
            p.bit = bit
            bit += 1
    if bit > 32:
        raise SystemExit(f'{cmd.name}: more than 32 pointer parameters')


def wire_fields(cmd):
    """Fixed fields after the header: 8-byte ones first, then 4-byte ones."""
    f8, f4 = [], []
    for p in cmd.params:
        if p.kind == 'scalar':
            ty, size = SCALAR[p.base]
            (f8 if size == 8 else f4).append((ty, p.name))
        elif p.kind in ('offset', 'ptr_or_off', 'out_or_off'):
            f8.append(('uint64_t', p.name))
        elif p.kind == 'string':
            f4.append(('uint32_t', p.name + '_len'))
    if cmd.creates:
        f4.append(('uint32_t', 'new_name'))
    if any(p.bit is not None for p in cmd.params):
        f4.append(('uint32_t', 'nullmask'))
    if any(p.kind in ('ptr_or_off', 'out_or_off') for p in cmd.params):
        f4.append(('uint32_t', 'offmask'))
    fields = f8 + f4
    if len(f4) % 2:
        fields.append(('uint32_t', 'pad_'))
    return fields
