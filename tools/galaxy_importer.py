"""Build the collection and run galaxy-importer on the tarball, in a virtualenv of its own (.venv-importer):
galaxy-importer pins packages that must not leak into the development toolchain.

galaxy-importer writes importer_result.json into its working directory: it runs in build/importer/, so
the checkout stays clean.

Usage: python tools/galaxy_importer.py
"""

import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, '.venv-importer')
WORKDIR = os.path.join(ROOT, 'build', 'importer')
IMPORTER = 'galaxy-importer==0.4.44'
CONFIG = '''[galaxy-importer]
LOG_LEVEL_MAIN = INFO
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_FLAKE8 = False
'''


def main():
    python = os.path.join(VENV, 'bin', 'python')
    stamp = os.path.join(VENV, '.installed-' + IMPORTER)
    if not os.path.exists(stamp):
        subprocess.check_call([sys.executable, '-m', 'venv', VENV])
        subprocess.check_call([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', IMPORTER])
        open(stamp, 'w', encoding='utf-8').close()
    with tempfile.TemporaryDirectory(prefix='helix-importer-') as workdir:
        subprocess.check_call([os.path.join(VENV, 'bin', 'ansible-galaxy'), 'collection', 'build', ROOT,
                               '--output-path', workdir], stdout=subprocess.DEVNULL)
        tarball = glob.glob(os.path.join(workdir, 'helix-users-*.tar.gz'))[0]
        config = os.path.join(workdir, 'galaxy-importer.cfg')
        with open(config, 'w', encoding='utf-8') as handle:
            handle.write(CONFIG)
        env = dict(os.environ, GALAXY_IMPORTER_CONFIG=config,
                   PATH=os.path.join(VENV, 'bin') + os.pathsep + os.environ.get('PATH', ''))
        os.makedirs(WORKDIR, exist_ok=True)
        proc = subprocess.run([python, '-m', 'galaxy_importer.main', tarball], cwd=WORKDIR, env=env,
                              capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    problems = [line for line in output.splitlines() if line.startswith(('ERROR', 'WARNING'))]
    print('\n'.join(problems) if problems else 'galaxy-importer: no errors or warnings')
    if proc.returncode or 'Importer processing completed successfully' not in output:
        print(output[-3000:])
        return 1
    return 1 if any(line.startswith('ERROR') for line in problems) else 0


if __name__ == '__main__':
    sys.exit(main())
