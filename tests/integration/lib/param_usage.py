#!/usr/bin/env python3
"""param_usage.py - which main.cf parameters the code reads, derived from the source

Usage: param_usage.py TOP POSTCONF

Prints one line per parameter name of the table (and one per per-transport
suffix, as "*_suffix") that the code reads, sorted. The rule, applied
mechanically so that it stays true as the code changes:

1. A table parameter is read when its VAR_ macro appears in C code under
   src/ outside the files that declare parameters: src/global/mail_params*.h
   (the VAR_/DEF_ definitions) and src/global/param_table*.c (the table),
   and outside src/postfix/postfix_check_lists.c, the part of "postfix
   check" that validates restriction lists for smtpd (including lists that
   no program evaluates yet) without acting on them.
   Comments and string literals are removed first, so a parameter named in
   a comment or a message does not count. Whether the code reads the macro
   through config_get_*() or through a CONFIG_BIND table makes no
   difference: both name it by its VAR_ macro. A row of the smtp(8)
   table written SMTP_LMTP_<type>(NAME, ...) (src/smtp/smtp.c) names both
   VAR_SMTP_NAME and VAR_LMTP_NAME.
2. A per-transport suffix (<transport>_destination_concurrency_limit, ...)
   is read when the suffix appears as a string literal in C code under src/
   outside src/global/param_service.c (where the suffixes are declared):
   the queue manager builds those names from the suffix at run time.
3. $name expansion: a parameter is read when the default value of a read
   parameter (or of a read per-transport suffix) refers to it as $name,
   ${name...} or $(name...), transitively. Setting it changes what the
   reading code sees (mail_name shows in smtpd_banner's default).
   Except the defaults of proxy_read_maps and proxy_write_maps: proxymap(8)
   takes from them only the names of the tables it may open, so a
   parameter that they name is not read because of them.

Defaults come from "postconf -d" (parameters) and "postconf -d" of a
configuration whose master.cf has one delivery service "t" (suffixes), so
that the rule sees the same defaults that the programs do.
"""

import os
import re
import subprocess
import sys
import tempfile

COMMENT_OR_STRING = re.compile(
    r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
STRING = re.compile(r'"((?:\\.|[^"\\\n])*)"')
VAR_USE = re.compile(r'\bVAR_[A-Z0-9_]+\b')
SMTP_LMTP_USE = re.compile(r'\bSMTP_LMTP_[A-Z]+\(\s*([A-Z0-9_]+)')
VAR_DEFINE = re.compile(r'^#define\s+(VAR_[A-Z0-9_]+)\s+"([^"]+)"', re.M)
REFERENCE = re.compile(r'\$(?:\{|\()?([A-Za-z0-9_]+)')
NOT_EXPANDED = {'proxy_read_maps', 'proxy_write_maps'}


def sources(top):
    for root, _, files in os.walk(os.path.join(top, 'src')):
        for name in sorted(files):
            if name.endswith(('.c', '.h')):
                yield os.path.join(root, name)


CHECKERS = {'postfix_check_lists.c'}


def declares(path):
    """a file that declares or only validates parameters"""
    base = os.path.basename(path)
    if os.path.dirname(path).endswith('src/postfix') and base in CHECKERS:
        return True
    return (os.path.dirname(path).endswith('src/global') and
            (base.startswith('mail_params') or base.startswith('param_table')))


def strip(text, keep_strings):
    def repl(match):
        token = match.group(0)
        return token if keep_strings and token.startswith('"') else ' '
    return COMMENT_OR_STRING.sub(repl, text)


def defaults(postconf, master_cf):
    with tempfile.TemporaryDirectory() as conf:
        open(os.path.join(conf, 'main.cf'), 'w').close()
        with open(os.path.join(conf, 'master.cf'), 'w') as fp:
            fp.write(master_cf)
        out = subprocess.run([postconf, '-c', conf, '-d'], check=True, capture_output=True,
                             text=True).stdout
    result = {}
    for line in out.splitlines():
        name, _, value = line.partition(' =')
        result[name] = value.strip()
    return result


def main():
    top, postconf = sys.argv[1], sys.argv[2]
    macros = {}
    for path in sources(top):
        if declares(path) and os.path.basename(path).endswith('.h'):
            with open(path) as fp:
                macros.update(VAR_DEFINE.findall(fp.read().replace("\\\n", " ")))
    table = defaults(postconf, '')
    with_service = defaults(postconf, 't unix - - n - - smtp\n')
    suffixes = {name[2:]: value for name, value in with_service.items()
                if name.startswith('t_') and name not in table}

    read = set()
    literals = set()
    for path in sources(top):
        if declares(path):
            continue
        with open(path) as fp:
            text = fp.read()
        code = strip(text, keep_strings=False)
        used = VAR_USE.findall(code)
        for name in SMTP_LMTP_USE.findall(code):
            used += ['VAR_SMTP_' + name, 'VAR_LMTP_' + name]
        read.update(macros[m] for m in used if m in macros)
        if os.path.basename(path) != 'param_service.c':
            literals.update(STRING.findall(strip(text, keep_strings=True)))
    read_suffixes = {s for s in suffixes if s in literals}

    todo = [table[n] for n in read if n in table and n not in NOT_EXPANDED]
    todo += [suffixes[s] for s in read_suffixes]
    while todo:
        for name in REFERENCE.findall(todo.pop()):
            if name in table and name not in read:
                read.add(name)
                if name not in NOT_EXPANDED:
                    todo.append(table[name])
    for name in sorted(n for n in read if n in table):
        print(name)
    for suffix in sorted(read_suffixes):
        print('*_' + suffix)


if __name__ == '__main__':
    main()
