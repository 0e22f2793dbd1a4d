"""C code for the length of a pointer argument, shared by both emitters.

The guest and the host evaluate the same expression from the same fixed
arguments, so the host can recompute every payload size itself.
"""
from registry import ELEM


def count_c(p, arg, pname_count, state=None):
    """Element count (int64_t, negative when invalid) of pointer param p.

    arg(name) gives the C expression of a fixed argument's value;
    pname_count(expr) gives the call resolving a COMPSIZE(pname) count;
    state(fn, args) the call of a side's state-dependent count (getmap(),
    pixelmap(): each side asks its GL)."""
    toks = p.len_c
    if toks[0][0] == 'pname':
        return pname_count(arg(toks[0][1]))
    if toks[0][0] == 'state':
        fn, args = toks[0][1]
        if state is None:
            raise ValueError(f'{fn}() counts need a side')
        return state(fn, ', '.join(f'(uint32_t){arg(a)}' for a in args))
    if toks[0][0] == 'fn':
        fn, args = toks[0][1]
        vals = ', '.join(a if a.isdigit() else f'(int64_t){arg(a)}' for a in args)
        return f'sgl_{fn}_bytes({vals})'
    def term(t):
        return str(t[1]) if t[0] == 'const' else f'(int64_t){arg(t[1])}'
    expr = term(toks[0])
    for i in range(1, len(toks), 2):
        op, t = toks[i][1], toks[i + 1]
        expr = f'sgl_len_{"mul" if op == "*" else "div"}({expr}, {term(t)})'
    return expr


def stateful(c):
    """Whether a command's sizes depend on GL state (getmap(), pixelmap())."""
    return any(p.len_c and p.len_c[0][0] == 'state' for p in c.params)


def elem_size(p):
    if p.len_c and p.len_c[0][0] == 'fn':
        return 1       # image()/index()/clearbuffer() already give bytes
    return ELEM[p.base]
