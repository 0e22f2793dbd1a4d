"""Emits the guest encoder: one sgl_enc_<command>() per generated command."""
from registry import SCALAR
from classify import wire_fields
from lenexpr import count_c, elem_size

IN_SEGS = ('in', 'string', 'names', 'del', 'gen', 'ptr_or_off')


def proto(c, raw=False):
    params = ', '.join(f'{p.ctype} {p.name}' for p in c.params)
    name = f'sgl_enc_raw_{c.name}' if raw else f'sgl_enc_{c.name}'
    return f'{c.ret} {name}(struct sgl_enc *e{", " if params else ""}{params})'


def _ret0(c):
    if c.ret == 'void':
        return ''
    return ' 0' if c.ret != 'GLsync' else ' NULL'


def _field_value(c, p):
    ty, _ = SCALAR[p.base] if p.kind == 'scalar' else ('uint64_t', 8)
    if p.base == 'GLsync':
        return f'(uint64_t)(uintptr_t){p.name}'
    if p.kind in ('offset', 'ptr_or_off', 'out_or_off'):
        return '0'       # set below when the pointer is an offset
    return f'({ty}){p.name}'


def _seg_bytes(c, p):
    n = count_c(p, lambda a: a, lambda pn: f'sgl_enc_pname_count(e, {pn})',
                lambda fn, args: f'sgl_enc_{fn}_count(e, {args})')
    return f'sgl_seg_bytes({n}, {elem_size(p)})'


def _tail(c):
    """The input segment that may travel straight from the application's
    memory (sgl_enc_send_tail): the last one, plain bytes, of a command that
    waits for no reply and creates no name."""
    segs = [p for p in c.params if p.kind in IN_SEGS]
    if not segs or c.creates or c.ret != 'void':
        return None
    if any(p.kind in ('out', 'outnames', 'out_or_off') for p in c.params):
        return None
    p = segs[-1]
    if p.kind not in ('in', 'ptr_or_off'):
        return None
    return p


def encoder_body(c):
    L = [proto(c, raw=c.wrap), '{']
    tail = _tail(c)
    if c.sync_maps:
        L.append('\tsgl_enc_sync_maps(e);')
    if c.prepare:
        args = ', '.join(p.name for p in c.params)
        L.append(f'\tsgl_enc_prepare_{c.name}(e{", " if args else ""}{args});')
    L += _uniform_count(c)
    L.append(f'\tuint64_t size_ = sizeof(struct sgl_cmd_{c.name});')
    fields = wire_fields(c)
    names = {n for _, n in fields}
    if 'nullmask' in names:
        L.append('\tuint32_t nullmask_ = 0;')
    if 'offmask' in names:
        L.append('\tuint32_t offmask_ = 0;')
    for p in c.params:
        if p.kind in ('ptr_or_off', 'out_or_off'):
            L.append(f'\tconst bool off_{p.name} = sgl_enc_buffer_bound(e, {p.binding});')
            L.append(f'\tif (off_{p.name})')
            L.append(f'\t\toffmask_ |= 1u << {p.bit};')
        if p.kind in IN_SEGS:
            L.append(f'\tint64_t b_{p.name} = 0;')
            cond = f'{p.name}' + (f' && !off_{p.name}' if p.kind == 'ptr_or_off' else '')
            L.append(f'\tif ({cond}) {{')
            L.append(f'\t\tnullmask_ |= 1u << {p.bit};')
            if p.kind == 'string':
                L.append(f'\t\tb_{p.name} = (int64_t)strlen((const char *){p.name}) + 1;')
            else:
                L.append(f'\t\tb_{p.name} = {_seg_bytes(c, p)};')
                L.append(f'\t\tif (b_{p.name} < 0)')
                L.append(f'\t\t\tb_{p.name} = 0;')
            L.append(f'\t\tsize_ += sgl_pad8((uint64_t)b_{p.name});')
            L.append('\t}')
    if c.creates:
        L.append(f'\tconst uint32_t new_name_ = sgl_enc_new_name(e, {c.creates});')
    if tail and tail.image == 'unpack':
        # An image goes as it is only when the application's layout is tight.
        L.append('\tconst void *tail_src_ = NULL;')
        L.append(f'\tif (sgl_enc_tail_ok(e, b_{tail.name}))')
        L.append(f'\t\ttail_src_ = sgl_enc_image_tail(e, {tail.name}, {_image_args(tail)});')
        L.append('\tconst bool tail_ = tail_src_ != NULL;')
    elif tail:
        L.append(f'\tconst void *tail_src_ = {tail.name};')
        L.append(f'\tconst bool tail_ = sgl_enc_tail_ok(e, b_{tail.name});')
    # Reply sizes before the command begins: a size may itself need a query
    # (sgl_enc_pname_count), which must not land inside this command.
    pre, post = _reply(c)
    L += pre
    if tail:
        L.append(f'\tuint8_t *p_ = tail_ ? sgl_enc_begin_tail(e, SGL_OP_{c.name}, size_, '
                 f'sgl_pad8((uint64_t)b_{tail.name})) : sgl_enc_begin(e, SGL_OP_{c.name}, size_);')
    else:
        L.append(f'\tuint8_t *p_ = sgl_enc_begin(e, SGL_OP_{c.name}, size_);')
    L.append('\tif (!p_)')
    L.append(f'\t\treturn{_ret0(c)};')
    L.append(f'\tstruct sgl_cmd_{c.name} *c_ = (struct sgl_cmd_{c.name} *)p_;')
    for p in c.params:
        if p.kind == 'scalar':
            L.append(f'\tc_->{p.name} = {_field_value(c, p)};')
        elif p.kind == 'offset':
            L.append(f'\tc_->{p.name} = (uint64_t)(uintptr_t){p.name};')
        elif p.kind in ('ptr_or_off', 'out_or_off'):
            L.append(f'\tc_->{p.name} = off_{p.name} ? (uint64_t)(uintptr_t){p.name} : 0;')
        elif p.kind == 'string':
            L.append(f'\tc_->{p.name}_len = (uint32_t)b_{p.name};')
    if c.creates:
        L.append('\tc_->new_name = new_name_;')
    if 'nullmask' in names:
        L.append('\tc_->nullmask = nullmask_;')
    if 'offmask' in names:
        L.append('\tc_->offmask = offmask_;')
    if 'pad_' in names:
        L.append('\tc_->pad_ = 0;')
    L.append('\tuint8_t *o_ = p_ + sizeof(*c_);')
    for p in c.params:
        if p.kind not in IN_SEGS:
            continue
        L.append(f'\tif (b_{p.name} > 0) {{')
        if p.kind == 'gen':
            L.append(f'\t\tsgl_enc_gen_names(e, {_cls(p)}, (GLsizei)(b_{p.name} / 4), {p.name});')
        if p is tail:
            L.append(f'\t\tif (tail_) {{')
            L.append(f'\t\t\tsgl_enc_send_tail(e, tail_src_, (uint64_t)b_{p.name});')
            L.append(f'\t\t}} else {{')
            L += _copy_seg(p, '\t\t\t')
            L.append(f'\t\t}}')
            L.append('\t}')
            continue
        L += _copy_seg(p, '\t\t')
        L.append(f'\t\to_ += sgl_pad8((uint64_t)b_{p.name});')
        L.append('\t}')
        if p.kind == 'del':
            L.append(f'\tsgl_enc_free_names(e, {_cls(p)}, (GLsizei)(b_{p.name} / 4), {p.name});')
    for p in c.params:
        if p.kind == 'scalar' and c.delete_scalar and p.cls:
            L.append(f'\tsgl_enc_free_name(e, {_cls(p)}, (uint32_t){_field_value(c, p)});')
    if c.track:
        args = ', '.join(p.name for p in c.params)
        L.append(f'\tsgl_enc_track_{c.name}(e{", " if args else ""}{args});')
    L += post
    if c.creates:
        cast = '(GLsync)(uintptr_t)' if c.ret == 'GLsync' else f'({c.ret})'
        L.append(f'\treturn {cast}new_name_;')
    L.append('}')
    return '\n'.join(L)


def _copy_seg(p, ind):
    """Copies an input segment into the batch at o_ and pads it."""
    if p.image == 'unpack':
        L = [f'{ind}sgl_enc_image_in(e, o_, {p.name}, {_image_args(p)});']
    else:
        L = [f'{ind}memcpy(o_, {p.name}, (size_t)b_{p.name});']
    return L + [f'{ind}sgl_enc_zero_pad(o_, (uint64_t)b_{p.name});']


def _uniform_count(c):
    """uniform_count: a count too large to send is cut to what GL reads
    (guest/uniforms.c), before anything is sized from it."""
    for p in c.params:
        if not p.uniform_count:
            continue
        loc = p.uniform_count[0]
        prog = p.uniform_count[1] if len(p.uniform_count) > 1 else None
        segs = [q for q in c.params if q.kind in IN_SEGS and q.len_c]
        each = count_c(segs[0], lambda a: '1' if a == p.name else a,
                       lambda pn: f'sgl_enc_pname_count(e, {pn})')
        return [f'\t{p.name} = sgl_enc_uniform_count(e, {prog or 0}, {"false" if prog else "true"}, '
                f'{loc}, {p.name}, sgl_len_mul({each}, {elem_size(segs[0])}));']
    return []


def _cls(p):
    from registry import CLASSES
    return CLASSES[p.cls]


def _image_args(p):
    """The image's format, type and size for sgl_enc_image_*, then whether it
    is a 3D command's (a depth other than the constant 1: GL applies
    SKIP_IMAGES and IMAGE_HEIGHT to those, whatever the depth)."""
    fn, args = p.len_c[0][1]
    images = 'false' if args[4].strip() == '1' else 'true'
    return ', '.join(args) + ', ' + images


def _reply(c):
    outs = [p for p in c.params if p.kind in ('out', 'outnames', 'out_or_off')]
    if c.ret == 'void' and not outs or c.creates:
        return [], []
    pre = ['\tuint64_t rsize_ = 0;']
    L = pre
    if c.ret != 'void':
        L.append('\trsize_ += 8;')
    for p in outs:
        L.append(f'\tint64_t r_{p.name} = {_seg_bytes(c, p)};')
        L.append(f'\tif (r_{p.name} < 0)')
        L.append(f'\t\tr_{p.name} = 0;')
        if p.kind == 'out_or_off':
            L.append(f'\tif (off_{p.name})')
            L.append(f'\t\tr_{p.name} = 0;')
        L.append(f'\trsize_ += sgl_pad8((uint64_t)r_{p.name});')
    L = []
    if any(p.kind == 'out_or_off' for p in outs) and c.ret == 'void':
        L.append('\tif (offmask_)')
        L.append('\t\treturn;')
    L.append(f'\tconst uint8_t *r_ = sgl_enc_reply(e, SGL_OP_{c.name}, rsize_);')
    L.append('\tif (!r_)')
    L.append(f'\t\treturn{_ret0(c)};')
    L.append('\tconst uint8_t *ro_ = r_;')
    if c.ret != 'void':
        ty, size = SCALAR[c.ret]
        L.append(f'\t{ty} ret_;')
        L.append('\tmemcpy(&ret_, ro_, sizeof(ret_));')
        L.append('\tro_ += 8;')
    for p in outs:
        # GL writes nothing when the command raised an error.
        L.append(f'\tif ({p.name} && r_{p.name} > 0 && !e->reply_error) {{')
        if p.image == 'pack':
            L.append(f'\t\tsgl_enc_image_out(e, {p.name}, ro_, {_image_args(p)});')
        else:
            L.append(f'\t\tmemcpy({p.name}, ro_, (size_t)r_{p.name});')
        L.append('\t}')
        L.append(f'\tro_ += sgl_pad8((uint64_t)r_{p.name});')
    if c.ret != 'void':
        cast = '(GLsync)(uintptr_t)' if c.ret == 'GLsync' else f'({c.ret})'
        L.append(f'\treturn {cast}ret_;')
    return pre, L


def encoder(cmds):
    h = ['/* Generated by protocol/gen.py. Do not edit. */', '#ifndef SGL_ENCODER_GEN_H',
         '#define SGL_ENCODER_GEN_H', '', '#include "sgl_gl_types.h"', '',
         'struct sgl_enc;', '']
    cbody = ['/* Generated by protocol/gen.py. Do not edit. */', '#include <string.h>', '',
             '#include "encoder.h"', '']
    for c in sorted(cmds.values(), key=lambda c: c.name):
        if c.kind == 'unsupported':
            continue
        h.append(proto(c) + ';')
        params = ', '.join(f'{p.ctype} {p.name}' for p in c.params)
        if c.wrap:
            h.append(proto(c, raw=True) + ';')
        if c.prepare:
            h.append(f'void sgl_enc_prepare_{c.name}(struct sgl_enc *e{", " if params else ""}{params});')
        if c.track:
            params = ', '.join(f'{p.ctype} {p.name}' for p in c.params)
            h.append(f'void sgl_enc_track_{c.name}(struct sgl_enc *e{", " if params else ""}{params});')
        if c.kind == 'gen':
            cbody.append(encoder_body(c))
            cbody.append('')
    h += ['', '#endif', '']
    return '\n'.join(h), '\n'.join(cbody)
