"""Emits the per-command round-trip test and the no-op GL table for benchmarks.

Round trip: for every generated command, the guest encoder encodes a call
with known arguments; the decoder validates it and calls a mock GL entry
point, which serializes the arguments it received (scalars as wire values,
input arrays as bytes). The test serializes the arguments it passed the same
way and compares. Output arrays come back from the mock as a known pattern,
return values as 0x2A; new names must land in the name maps.
"""
from registry import SCALAR, CLASSES
from lenexpr import count_c, elem_size, stateful

HANDLE = 0x7005     # every object name the test uses (pre-mapped to itself)
RET = '0x2A'
PNAME = '0x0BA2'    # GL_VIEWPORT: 4 values


def _len_params(c):
    names = set()
    for p in c.params:
        for t in (p.len_c or []):
            if t[0] == 'param':
                names.add(t[1])
            elif t[0] == 'fn':
                names.update(a for a in t[1][1] if not a.isdigit())
    return names


def _fn_kind(c):
    for p in c.params:
        if p.len_c and p.len_c[0][0] == 'fn':
            return p.len_c[0][1][0]
    return None


def _bitmap(c):
    """An image() of constant format and type (glBitmap's GL_BITMAP)."""
    for p in c.params:
        if p.len_c and p.len_c[0][0] == 'fn' and p.len_c[0][1][0] == 'image':
            return p.len_c[0][1][1][0].isdigit()
    return False


def test_args(c):
    """C expression of each argument the test passes."""
    counts = _len_params(c)
    fn = _fn_kind(c)
    out = {}
    for i, p in enumerate(c.params):
        if p.kind == 'scalar':
            if p.cls and p.base == 'GLsync':
                v = f'(GLsync)(uintptr_t){HANDLE}'
            elif p.cls:
                v = str(HANDLE)
            elif c.pre and p.base == 'GLuint' and p.name.endswith('Name'):
                v = str(HANDLE)  # an object name the pre hook maps (glCopyImageSubData)
            elif any(t.len_c and t.len_c[0] == ('pname', p.name) for t in c.params):
                v = PNAME
            elif fn == 'image' and p.name == 'width' and _bitmap(c):
                v = '32'         # whole 4-byte rows: the default alignment packs tight
            elif fn == 'image' and p.name == 'format':
                v = '0x1908'     # GL_RGBA
            elif fn == 'image' and p.name == 'type':
                v = '0x1401'     # GL_UNSIGNED_BYTE
            elif fn == 'clearbuffer' and p.name == 'buffer':
                v = '0x1800'     # GL_COLOR
            elif fn == 'indirect' and p.name == 'stride':
                v = '0'          # packed commands
            elif fn == 'index' and p.name == 'type':
                v = '0x1403'     # GL_UNSIGNED_SHORT
            elif p.check_level:
                v = '0'          # the decoder checks DSA image levels
            elif p.check_texunit:
                v = '0x84c0'     # GL_TEXTURE0: the decoder checks the unit
            elif p.textarget is not None:
                # the decoder checks DSA targets: one of the image's dimensions
                v = {1: '0x0de0', 3: '0x806f'}.get(p.textarget, '0x0de1')
            elif p.name in counts:
                v = '3'
            elif p.base in ('GLfloat', 'GLclampf'):
                v = f'{1.5 + i}f'
            elif p.base in ('GLdouble', 'GLclampd'):
                v = f'{2.25 + i}'
            elif p.base == 'GLboolean':
                v = '1'
            elif p.name == 'timeout':
                v = f'{1000 + i}'    # glClientWaitSync caps waits on the host
            elif SCALAR[p.base][1] == 8:
                v = f'(({p.base})0x100000000ull + {i})'
            else:
                v = f'0x{0x10 + i:x}'
            out[p.name] = f'({p.ctype})({v})'
        elif p.kind == 'offset':
            out[p.name] = f'(const void *)(uintptr_t){16 + 8 * i}'
        elif p.kind == 'string':
            out[p.name] = '"sgl_test_string"'
        elif p.kind in ('names', 'del'):
            out[p.name] = 'handles'
        elif p.kind in ('in', 'ptr_or_off'):
            out[p.name] = f'(void *)pattern_in'
        elif p.kind in ('out', 'outnames', 'out_or_off', 'gen'):
            out[p.name] = f'(void *)out_{p.name}'
    return out


def _count(p):
    return count_c(p, lambda a: a, lambda pn: f'(int64_t)sgl_pname_count({pn})')


def serializer(c):
    """ser_X(args): what a GL entry point of X received, as comparable bytes."""
    params = ', '.join(f'{p.ctype} {p.name}' for p in c.params)
    L = [f'static void ser_{c.name}(struct log *lg{", " if params else ""}{params})', '{']
    for p in c.params:
        if p.kind == 'scalar':
            if p.base == 'GLsync':
                L.append(f'\tlog_u64(lg, (uint64_t)(uintptr_t){p.name});')
            else:
                ty, _ = SCALAR[p.base]
                L.append(f'\t{{ {ty} w_ = ({ty}){p.name}; log_bytes(lg, &w_, sizeof(w_)); }}')
        elif p.kind in ('offset',):
            L.append(f'\tlog_u64(lg, (uint64_t)(uintptr_t){p.name});')
        elif p.kind == 'string':
            L.append(f'\tlog_bytes(lg, {p.name}, strlen((const char *){p.name}) + 1);')
        elif p.kind in ('in', 'names', 'del', 'ptr_or_off'):
            L.append(f'\tif ({p.name}) {{')
            L.append(f'\t\tint64_t nb_ = sgl_seg_bytes({_count(p)}, {elem_size(p)});')
            L.append(f'\t\tlog_bytes(lg, {p.name}, nb_ > 0 ? (size_t)nb_ : 0);')
            L.append('\t} else {')
            L.append('\t\tlog_u64(lg, 0xdead);')
            L.append('\t}')
    L.append('}')
    return '\n'.join(L)


def mock(c):
    params = ', '.join(f'{p.ctype} {p.name}' for p in c.params) or 'void'
    L = [f'static {c.ret} mock_{c.name}({params})', '{',
         f'\tstruct log *lg = log_begin(SGL_OP_{c.name});']
    args = ', '.join(p.name for p in c.params)
    L.append(f'\tser_{c.name}(lg{", " if args else ""}{args});')
    for p in c.params:
        if p.kind in ('out', 'out_or_off'):
            L.append(f'\tif ({p.name}) {{')
            L.append(f'\t\tint64_t nb_ = sgl_seg_bytes({_count(p)}, {elem_size(p)});')
            L.append(f'\t\tmemset((void *){p.name}, 0x5A, nb_ > 0 ? (size_t)nb_ : 0);')
            L.append('\t}')
        elif p.kind == 'outnames':
            L.append(f'\tfor (int64_t i_ = 0; i_ < sgl_seg_bytes({_count(p)}, 1); i_++)')
            L.append(f'\t\t((GLuint *){p.name})[i_] = {HANDLE};')
        elif p.kind == 'gen':
            L.append(f'\tfor (int64_t i_ = 0; i_ < sgl_seg_bytes({_count(p)}, 1); i_++)')
            L.append(f'\t\t((GLuint *){p.name})[i_] = 100 + (GLuint)i_;')
    if c.ret == 'GLsync':
        L.append(f'\treturn (GLsync)(uintptr_t){RET};')
    elif c.ret != 'void':
        L.append(f'\treturn ({c.ret}){RET};')
    L.append('}')
    return '\n'.join(L)


def test_fn(c):
    a = test_args(c)
    args = ', '.join(a[p.name] for p in c.params)
    L = [f'static void test_{c.name}(void **state)', '{', '\t(void)state;',
         f'\treset(SGL_OP_{c.name});']
    for p in c.params:
        if p.kind in ('out', 'outnames', 'out_or_off', 'gen'):
            L.append(f'\tstatic uint8_t out_{p.name}[4096];')
            L.append(f'\tmemset(out_{p.name}, 0, sizeof(out_{p.name}));')
    # Wrapped commands (client arrays) are tested on their wire path.
    fn = f'sgl_enc_raw_{c.name}' if c.wrap else f'sgl_enc_{c.name}'
    call = f'{fn}(&enc{", " if args else ""}{args})'
    if c.ret != 'void':
        L.append(f'\t{c.ret} ret = {call};')
    else:
        L.append(f'\t{call};')
    L.append('\tsgl_enc_flush(&enc);')
    L.append('\tcheck_alive();')
    L.append('\tstatic struct log want;')
    L.append('\twant.n = 0;')
    sargs = ', '.join(a[p.name] if p.kind != 'gen' else 'NULL' for p in c.params)
    L.append(f'\tser_{c.name}(&want{", " if sargs else ""}{sargs});')
    if not c.redirect:
        L.append(f'\tcheck_call(SGL_OP_{c.name}, &want);')
    for p in c.params:
        if p.kind in ('out', 'out_or_off'):
            L.append(f'\tcheck_pattern(out_{p.name}, sgl_seg_bytes({_count_test(c, p, a)}, {elem_size(p)}), 0x5A);')
        elif p.kind == 'outnames':
            L.append(f'\tcheck_names(out_{p.name}, sgl_seg_bytes({_count_test(c, p, a)}, 1), {HANDLE});')
        elif p.kind == 'gen':
            L.append(f'\tcheck_gen({CLASSES[p.cls]}, (const GLuint *)out_{p.name}, '
                     f'sgl_seg_bytes({_count_test(c, p, a)}, 1));')
    if c.creates:
        L.append(f'\tcheck_created({c.creates}, (uint64_t)(uintptr_t)ret);')
    elif c.ret != 'void':
        L.append(f'\tassert_true(ret == ({c.ret}){RET});')
    L.append('}')
    return '\n'.join(L)


def _count_test(c, p, a):
    return count_c(p, lambda n: a[n], lambda pn: f'(int64_t)sgl_pname_count({pn})')


def roundtrip(cmds):
    # A size that GL state decides (getmap(), pixelmap()) needs a real GL:
    # those commands are tested against the host (tests/test_compat_state.c).
    gen = sorted((c for c in cmds.values() if c.kind == 'gen' and not stateful(c)),
                 key=lambda c: c.name)
    L = ['/* Generated by protocol/gen.py. Do not edit. */', '#include "roundtrip.h"', '',
         'void sgl_gl_table_noop(struct sgl_gl_table *t);', '']
    for c in gen:
        L.append(serializer(c))
        L.append(mock(c))
        L.append(test_fn(c))
        L.append('')
    L.append('static void fill_mock_table(struct sgl_gl_table *t)')
    L.append('{')
    L.append('\tsgl_gl_table_noop(t);   /* entries the decoder uses itself */')
    for c in gen:
        L.append(f'\tt->{c.short} = mock_{c.name};')
    L.append('}')
    L.append('')
    L.append('static const struct CMUnitTest tests[] = {')
    for c in gen:
        L.append(f'\tcmocka_unit_test(test_{c.name}),')
    L.append('};')
    L.append('')
    L.append('#include "roundtrip_main.h"')
    return '\n'.join(L) + '\n'


def noop_table(cmds):
    L = ['/* Generated by protocol/gen.py: GL entry points that do nothing. */',
         '#include "sgl_gl_table.h"', '']
    live = sorted(cmds.values(), key=lambda c: c.name)
    for c in live:
        params = ', '.join(f'{p.ctype} {p.name}' for p in c.params) or 'void'
        L.append(f'static {c.ret} noop_{c.name}({params})')
        L.append('{')
        for p in c.params:
            L.append(f'\t(void){p.name};')
        if c.ret != 'void':
            L.append(f'\treturn ({c.ret})0;')
        L.append('}')
    L.append('')
    L.append('void sgl_gl_table_noop(struct sgl_gl_table *t)')
    L.append('{')
    for c in live:
        L.append(f'\tt->{c.short} = noop_{c.name};')
    L.append('}')
    return '\n'.join(L) + '\n'
