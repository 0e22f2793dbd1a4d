"""The directives of overrides.txt: which side each changes and what it does.

One short line each, for `gen.py --explain`; the legend at the top of
overrides.txt says the same at length with an example, and the generator
refuses a directive missing from either (check_legend).
"""
import re

# name: (param directive?, sides, what it does). Sides: W the wire (both
# encoder and decoder, and the wire id), G the guest encoder, H the host
# decoder.
DIRECTIVES = {
    'len': (True, 'W', 'length of the pointer in elements (or bytes, for the LEN functions)'),
    'string': (True, 'W', 'a NUL-terminated input string'),
    'in': (True, 'W', 'an input array whatever gl.xml\'s const says'),
    'offset': (True, 'W H', 'always a buffer offset; H checks the binding when non-zero'),
    'ptr_or_offset': (True, 'W H', 'inline data, or an offset when the binding is bound'),
    'out_or_offset': (True, 'W H', 'reply data, or an offset when the binding is bound'),
    'nullable': (True, 'W H', 'NULL reaches GL as NULL (else an absent input is zeros)'),
    'class': (True, 'W H', 'object namespace of a name; H maps it to the host\'s'),
    'hooked': (True, 'H', 'the pre hook maps this name itself'),
    'names_by': (True, 'H', 'the answer is an object name when the pname names one'),
    'check_textarget': (True, 'H', 'must be a texture target (of DIMS dimensions), else GL_INVALID_ENUM'),
    'check_level': (True, 'H', 'mipmap level in range, else GL_INVALID_VALUE'),
    'check_texunit': (True, 'H', 'GL_TEXTURE0 + a valid unit, else GL_INVALID_ENUM'),
    'uniform_count': (True, 'G', 'a count past what fits 64 KiB is cut to the uniform array\'s rest + 1 (asked of the host)'),
    'creates': (False, 'W G H', 'the return value is a new name the guest picks'),
    'zero_ok': (False, 'H', 'object name 0 reaches GL (it means none here)'),
    'zero_checked': (False, 'H', 'file-wide: names of these classes are refused when 0'),
    'check_image': (False, 'H', 'the image at target/level must exist, else GL_INVALID_OPERATION'),
    'pre': (False, 'H', 'hand-written sgl_pre_<cmd>() runs before the call'),
    'redirect': (False, 'H', 'the pre hook makes another call instead'),
    'post': (False, 'H', 'hand-written sgl_post_<cmd>() runs after the call'),
    'track': (False, 'G', 'hand-written sgl_enc_track_<cmd>() runs after encoding'),
    'prepare': (False, 'G', 'hand-written sgl_enc_prepare_<cmd>() runs before encoding'),
    'wrap': (False, 'G', 'the generated encoder is sgl_enc_raw_<cmd>, called by a hand-written one'),
    'sync_maps': (False, 'G', 'persistently mapped bytes travel first'),
    'arrays_dirty': (False, 'H', 'an enabled vertex array may lack a buffer afterwards'),
    'arrays_guard': (False, 'H', 'the draw checks vertex arrays first'),
    'custom': (False, 'G H', 'hand-written on both sides (custom FN: one host handler for a family)'),
    'guest_only': (False, 'G H', 'the guest answers it by hand; the host refuses it if it arrives'),
    'unsupported': (False, 'H', 'refused with "not supported yet"'),
}


def check_legend(path):
    """Every directive is in the legend at the top of overrides.txt, and the
    legend names no other."""
    legend = set()
    with open(path) as f:
        for ln in f:
            if not ln.startswith('#'):
                break
            m = re.match(r'#   (?:\* |PARAM )?([a-z_]+)\b', ln)
            if m:
                legend.add(m.group(1))
    missing = sorted(set(DIRECTIVES) - legend)
    extra = sorted(legend - set(DIRECTIVES))
    if missing or extra:
        raise SystemExit(f'{path}: the legend lacks {missing} / names unknown {extra}')
