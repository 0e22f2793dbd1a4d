"""`gen.py --explain glFoo`: everything the generator knows about one command.

Its signature and aliases, how it travels (kind, opcode, wire struct, every
parameter's size rule), every overrides.txt line that applies to it with the
side it changes, the hand-written hooks it calls and where they are defined,
and where its generated code lands in the build directory.
"""
import os
import re

from classify import wire_fields
from directives import DIRECTIVES
from lenexpr import count_c, elem_size
from registry import SCALAR

KINDS = {
    'scalar': 'a fixed field', 'in': 'input array (a segment)', 'out': 'output array (in the reply)',
    'string': 'NUL-terminated string (a segment)', 'gen': 'new names the guest picks (a segment)',
    'del': 'names to delete (a segment)', 'names': 'object names, mapped (a segment)',
    'outnames': 'object names answered (reply), mapped back', 'offset': 'buffer offset (a field)',
    'ptr_or_off': 'inline data (a segment) or a buffer offset (a field)',
    'out_or_off': 'reply data, or a buffer offset (a field)',
}


def _find(texts, name, pattern):
    """(line, text) of the first line of generated file `name` matching."""
    rx = re.compile(pattern)
    for i, ln in enumerate(texts.get(name, '').split('\n'), 1):
        if rx.search(ln):
            return i
    return None


def _hand_written(src_root, pattern):
    """file:line of each hand-written definition matching (guest/, src/)."""
    rx = re.compile(pattern)
    hits = []
    for top in ('guest', 'src'):
        for dirpath, _, files in os.walk(os.path.join(src_root, top)):
            for fn in sorted(files):
                if not fn.endswith('.c'):
                    continue
                path = os.path.join(dirpath, fn)
                with open(path, errors='replace') as f:
                    for i, ln in enumerate(f, 1):
                        if rx.match(ln):
                            hits.append(f'{os.path.relpath(path, src_root)}:{i}')
    return sorted(hits)


def _size_rule(c, p):
    if p.kind == 'string':
        return 'strlen + 1 bytes, measured by the guest; the host checks the NUL'
    if p.len_c is None:
        return ''
    n = count_c(p, lambda a: a, lambda pn: f'sgl_pname_count({pn})',
                lambda fn, args: f'{fn}({args}), asked of GL by each side')
    es = elem_size(p)
    return f'{n}' + (f' x {es} bytes' if es != 1 else ' bytes')


def explain(name, model, texts, src_root, build_dir):
    cmds, proto, aliases = model['cmds'], model['proto'], model['aliases']
    root = name
    while root not in cmds and root not in proto and root in aliases:
        root = aliases[root]
    c = cmds.get(root) or proto.get(root)
    if c is None:
        for r in cmds.values():
            if name in r.aliases:
                c = r
        if c is None:
            return f'{name}: not in the selection (GL 4.6, GLES 3.2, extensions.txt)\n'
    out = []
    w = out.append
    kind = {'gen': 'generated on both sides', 'custom': 'hand-written on both sides (custom)',
            'unsupported': f'unsupported: {c.reason}'}[c.kind]
    w(f'{c.name}: opcode {c.opcode}, {kind}')
    if c.name != name:
        w(f'  ({name} is an alias of {c.name}: one opcode, one host entry point)')
    if len(c.aliases) > 1:
        w(f'  aliases: {", ".join(a for a in c.aliases if a != c.name)}')
    sig = ', '.join(f'{p.ctype} {p.name}' for p in c.params) or 'void'
    w(f'  {c.ret} {c.name}({sig})')
    if c.params:
        w('')
        w('Parameters:')
        for p in c.params:
            desc = KINDS.get(p.kind, p.kind) if c.kind == 'gen' else \
                {'custom': 'by hand', 'unsupported': 'not carried'}[c.kind]
            if p.kind == 'scalar':
                ty, size = SCALAR.get(p.base, ('?', 0))
                desc += f' {ty} ({size} bytes)'
            extra = []
            if p.cls:
                extra.append(f'object class "{p.cls}"' + ('' if p.zero_ok else ', 0 refused'))
            if p.binding:
                extra.append(f'offset when {p.binding} is bound')
            if p.bit is not None:
                extra.append(f'mask bit {p.bit}')
            if p.nullable:
                extra.append('NULL reaches GL')
            if p.image:
                extra.append(f'client image ({p.image} pixel-store state applies on the guest)')
            if p.textarget is not None:
                extra.append(f'host checks: a {p.textarget or "any"}-D texture target')
            if p.check_level:
                extra.append('host checks the level')
            if p.check_texunit:
                extra.append('host checks the unit')
            rule = _size_rule(c, p)
            w(f'  {p.name:<16} {p.ctype:<22} {desc}')
            if rule:
                w(f'  {"":<16} size: {rule}')
            if extra:
                w(f'  {"":<16} {"; ".join(extra)}')
    if c.kind == 'gen':
        fields = wire_fields(c)
        size = 8 + sum(8 if ty in ('double', 'int64_t', 'uint64_t') else 4 for ty, _ in fields)
        w('')
        w(f'Wire: struct sgl_cmd_{c.name}, {size} bytes of header and fixed fields'
          + (', then the segments above, each padded to 8 bytes'
             if any(p.bit is not None for p in c.params) else ''))
        w('  ' + ', '.join(f'{ty} {n}' for ty, n in fields))
        if c.ret != 'void' or any(p.kind in ('out', 'outnames', 'out_or_off') for p in c.params):
            if not c.creates:
                w('  waits for a reply: ' + ', '.join(
                    (['the return value (8 bytes)'] if c.ret != 'void' else []) +
                    [p.name for p in c.params if p.kind in ('out', 'outnames', 'out_or_off')]))
    w('')
    if c.directives:
        w('Directives (protocol/overrides.txt):')
        with open(os.path.join(src_root, 'protocol', 'overrides.txt')) as f:
            lines = f.read().split('\n')
        for num, words in c.directives:
            d = words[1] if words[0] in {p.name for p in c.params} else words[0]
            _, sides, what = DIRECTIVES.get(d, (None, '?', '?'))
            text = ' '.join(lines[num - 1].split('#')[0].split())
            w(f'  line {num:<4} {text}')
            w(f'  {"":<9} [{sides}] {what}')
    else:
        w('Directives: none (everything from gl.xml)')
    if model['zero_checked'] and any(p.kind == 'scalar' and p.cls for p in c.params):
        w(f'  file-wide: zero_checked {" ".join(sorted(model["zero_checked"]))}')
    rules = []
    if c.is_query:
        rules.append('glIs*: a name the guest never made answers GL_FALSE on the host')
    if c.delete_scalar or any(p.kind == 'del' for p in c.params):
        rules.append('glDelete*: the names are freed on both sides')
    if any(p.kind == 'gen' for p in c.params):
        rules.append('glGen*s/glCreate*s: the guest picks the new names')
    for r in rules:
        w(f'  rule by name (classify.py): {r}')

    w('')
    w('Hand-written code:')
    hooks = []
    n = re.escape(c.name)
    if c.kind == 'custom':
        wire_h = os.path.join(src_root, 'protocol', 'sgl_wire.h')
        with open(wire_h) as f:
            at = [i for i, ln in enumerate(f, 1) if re.match(rf'struct sgl_cmd_{n} \{{', ln)]
        w(f'  {"wire struct":<15} ' + (f'protocol/sgl_wire.h:{at[0]}' if at else
                                       '(none of its own: see the host handler)'))
        if c.guest_only:
            w(f'  {"host handler":<15} none: the table refuses it (sgl_dec_guest_only)')
        elif c.shared:
            hooks.append(('host handler', rf'int sgl_hand_{re.escape(c.shared)}\('))
        else:
            hooks.append(('host handler', rf'int sgl_hand_{n}\('))
        hooks.append(('guest encoder', rf'\w[\w *]*[ *]sgl_enc_{n}\('))
    if c.pre:
        hooks.append(('host pre hook', rf'int sgl_pre_{n}\('))
    if c.post:
        hooks.append(('host post hook', rf'void sgl_post_{n}\('))
    if c.track:
        hooks.append(('guest track', rf'void sgl_enc_track_{n}\('))
    if c.prepare:
        hooks.append(('guest prepare', rf'void sgl_enc_prepare_{n}\('))
    if c.wrap:
        hooks.append(('guest wrapper', rf'\w[\w *]*[ *]sgl_enc_{n}\('))
    for label, rx in hooks:
        where = _hand_written(src_root, rx)
        w(f'  {label:<15} {", ".join(where) or "(not found: the link fails)"}')
    if not hooks:
        w('  none')
    for label, what in (('sync_maps', 'guest: sgl_enc_sync_maps (guest/buffers.c)'),
                        ('arrays_guard', 'host: sgl_dec_guard_arrays (src/decoder/arrays.c)'),
                        ('arrays_dirty', 'host: d->arrays_dirty (src/decoder/arrays.c)')):
        if getattr(c, label):
            w(f'  {label:<15} {what}')

    w('')
    w(f'Generated code ({build_dir}/):')
    places = [('wire struct', 'sgl_protocol.h', rf'^struct sgl_cmd_{n} \{{'),
              ('opcode', 'sgl_protocol.h', rf'\tSGL_OP_{n} = ')]
    if c.shared:
        places.append(('host wrapper', 'sgl_decoder_gen.c', rf'^static int h_{n}\('))
    if c.kind == 'gen':
        places += [('guest encoder', 'sgl_encoder_gen.c', rf'^\w[\w *]* sgl_enc_(raw_)?{n}\('),
                   ('host handler', 'sgl_decoder_gen.c', rf'^static int h_{n}\('),
                   ('round-trip test', 'test_roundtrip.c', rf'^static void test_{n}\(')]
    places += [('decoder table', 'sgl_decoder_gen.c', rf'\[SGL_OP_{n}\] = '),
               ('entry point', 'sgl_entry.c', rf'\b{n}\b')]
    if (c.kind == 'custom' and not c.shared and not c.guest_only) or c.pre or c.post:
        places.append(('hook prototypes', 'sgl_decoder_hooks.h', rf'sgl_(hand|pre|post)_{n}\('))
    for label, fn, rx in places:
        line = _find(texts, fn, rx)
        if line:
            w(f'  {label:<15} {build_dir}/{fn}:{line}')
    return '\n'.join(out) + '\n'
