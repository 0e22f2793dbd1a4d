#!/usr/bin/env python3
"""Prints the commands the protocol still rejects, and fails if one appears
that protocol/unsupported.txt does not list: the list can only shrink.
Usage: check_unsupported.py GENERATED_LIST CHECKED_IN_LIST"""
import sys


def names(path):
    with open(path) as f:
        return {ln.split('\t')[0].strip(): ln.rstrip('\n') for ln in f
                if ln.strip() and not ln.startswith('#')}


gen, allowed = names(sys.argv[1]), names(sys.argv[2])
for n in sorted(gen):
    print(gen[n].replace('\t', ': ', 1))
new = sorted(set(gen) - set(allowed))
gone = sorted(set(allowed) - set(gen))
print(f'{len(gen)} commands rejected as unsupported ({len(allowed)} allowed by {sys.argv[2]})')
if gone:
    print('now supported (remove them from the list): ' + ' '.join(gone))
if new:
    print('newly unsupported (fix the generator or overrides): ' + ' '.join(new))
    sys.exit(1)
