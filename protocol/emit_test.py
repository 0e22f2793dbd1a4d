def roundtrip(cmds):
    return '/* TODO */\n'
