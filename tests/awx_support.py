"""What AWX does with this collection's extensions/awx/ files, redone for the tests without a controller.

- inject(): the environment a job gets from a "BMC Helix" credential (AWX's CredentialType.inject_credential);
- survey_problems() and launch_extra_vars(): AWX's checks of a survey spec when it is saved, and the extra
  variables a launch with survey answers gives the job (JobTemplateSurveySpec._validate_spec_data,
  SurveyJobTemplateMixin._survey_element_validation and _update_unified_job_kwargs);
- run_job(): a job handed to an execution node the way the controller does it,
  `ansible-runner transmit DIR -p PLAYBOOK | ansible-runner worker --private-data-dir W | ansible-runner process OUT`.

Each follows AWX's code (awx/main/models/credential.py, awx/api/views/__init__.py, awx/main/models/mixins.py of
AWX 24) as far as the collection's files use it.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys

import yaml
from jinja2 import sandbox

import support

AWX = os.path.join(support.ROOT, 'extensions', 'awx')
RUNNER = os.path.join(os.path.dirname(sys.executable), 'ansible-runner')
SURVEY_TYPES = {'text': str, 'textarea': str, 'password': str, 'multiplechoice': str, 'multiselect': str,
                'integer': int, 'float': (float, int)}


def load(name):
    with open(os.path.join(AWX, name), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def credential_type():
    return load('credential_type.yml')


class Namespace:
    """What AWX calls the `tower` namespace: `tower.filename` or `tower.filename.LABEL`."""


def inject(definition, inputs, private_data_dir):
    """The environment AWX gives a job for a credential with these inputs (what AWX's CredentialType does):

    an input that is unset or an empty string is left out of the template namespace (so it renders empty, or
    takes a `default` filter), an unset boolean is False, each `file` injector is rendered into a file of its own
    under private_data_dir/env, and every `env` injector is set, rendered in Jinja's immutable sandbox.
    """
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or len(value):
            namespace[name] = value
    for field in definition['inputs']['fields']:
        if field['type'] == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    tower = namespace['tower'] = Namespace()
    env_dir = os.path.join(str(private_data_dir), 'env')
    os.makedirs(env_dir, exist_ok=True)
    renderer = sandbox.ImmutableSandboxedEnvironment()
    for label, template in definition['injectors'].get('file', {}).items():
        path = os.path.join(env_dir, 'tmp' + label.replace('.', '_'))
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(renderer.from_string(template).render(**namespace))
        os.chmod(path, 0o600)
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = Namespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
    return dict((name, renderer.from_string(template).render(**namespace))
                for name, template in definition['injectors'].get('env', {}).items())


def credential_env(url, private_data_dir, **inputs):
    """The environment of a credential made through the API with the required inputs (and these), nothing else."""
    values = dict(helix_url=url, helix_username=support.ADMIN_USER, helix_password=support.ADMIN_PASSWORD)
    values.update(inputs)
    return inject(credential_type(), values, private_data_dir)


def tenants_env(tenants, private_data_dir):
    """The environment of one "BMC Helix tenants" credential (credential_type_tenants.yml) holding these connections
    ({tenant: {helix_url, helix_username, helix_password, ...}}), rendered as AWX renders it: the file of the map, and
    HELIX_TENANTS_FILE naming it."""
    return inject(load('credential_type_tenants.yml'), dict(helix_tenants=yaml.safe_dump(tenants)), private_data_dir)


def slices(hosts, count):
    """The hosts of each slice of a sliced job template, as AWX splits an inventory (ordered by name, every count-th
    host from the slice's offset: Inventory.get_sliced_hosts)."""
    ordered = sorted(hosts)
    return [ordered[number::count] for number in range(count)]


def tenants_inventory(hosts):
    """An AWX inventory whose hosts are tenants, each run on the execution node (connection local)."""
    return ''.join('%s ansible_connection=local ansible_python_interpreter=%s\n' % (host, sys.executable)
                   for host in hosts)


# ---------------------------------------------------------------------------------------------------- surveys
def survey_problems(spec):
    """What AWX refuses when a survey spec is saved (JobTemplateSurveySpec._validate_spec_data), as messages."""
    problems = []
    for field, kind in (('name', str), ('description', str), ('spec', list)):
        if not isinstance(spec.get(field), kind):
            problems.append('%s missing or not a %s' % (field, kind.__name__))
    if problems or not spec['spec']:
        return problems or ["'spec' doesn't contain any items"]
    variables = set()
    for index, item in enumerate(spec['spec']):
        where = 'question %d' % index
        if not isinstance(item, dict):
            problems.append('%s is not an object' % where)
            continue
        for field, kind in (('type', str), ('question_name', str), ('variable', str), ('required', bool)):
            if not isinstance(item.get(field), kind):
                problems.append('%s: %s missing or not a %s' % (where, field, kind.__name__))
        if item.get('variable') in variables:
            problems.append('%s: variable %s repeated' % (where, item.get('variable')))
        variables.add(item.get('variable'))
        kind = item.get('type')
        if kind not in SURVEY_TYPES:
            problems.append('%s: type %r is not a survey type' % (where, kind))
            continue
        if item.get('default', '') != '' and not isinstance(item['default'], SURVEY_TYPES[kind]):
            problems.append('%s: default %r is not a %s' % (where, item['default'], kind))
        for key in ('min', 'max'):
            if item.get(key) is not None and not isinstance(item[key], int):
                problems.append('%s: %s is not an integer' % (where, key))
        if kind in ('multiplechoice', 'multiselect'):
            if 'choices' not in item:
                problems.append('%s: a %s question needs choices' % (where, kind))
                continue
            defaults = item.get('default', '')
            defaults = [line for line in defaults.splitlines() if line.strip()] if isinstance(defaults, str) else defaults
            if kind == 'multiplechoice' and len(defaults) > 1:
                problems.append('%s: one default at most' % where)
            if any(value not in choices(item) for value in defaults):
                problems.append('%s: default not among the choices' % where)
    return problems


def choices(item):
    found = item['choices']
    return [line for line in found.splitlines() if line.strip()] if isinstance(found, str) else list(found)


def answer_problems(item, answers):
    """AWX's check of one answer (SurveyJobTemplateMixin._survey_element_validation)."""
    name = item['variable']
    if name not in answers:
        return ['%s value missing' % name] if item['required'] else []
    value = answers[name]
    kind = item['type']
    if kind in ('text', 'textarea', 'password'):
        if not isinstance(value, str):
            return ['%s expected to be a string' % name]
        if item.get('min') not in ('', None) and len(value) < int(item['min']):
            return ['%s too short' % name]
        if item.get('max') not in ('', None) and len(value) > int(item['max']):
            return ['%s too long' % name]
    elif kind == 'integer':
        # AWX's own check, in which a bool is no integer
        if type(value) is not int:  # pylint: disable=unidiomatic-typecheck
            return ['%s expected to be an integer' % name]
        if item.get('min') not in ('', None) and value < int(item['min']):
            return ['%s too small' % name]
        if item.get('max') not in ('', None) and value > int(item['max']):
            return ['%s too large' % name]
    elif kind == 'multiplechoice' and value not in choices(item):
        return ['%s expected to be one of %s' % (name, choices(item))]
    elif kind == 'multiselect' and (not isinstance(value, list) or any(v not in choices(item) for v in value)):
        return ['%s expected to be a list of %s' % (name, choices(item))]
    return []


def launch_extra_vars(template, answers):
    """The extra variables of a job launched from this job template's launch form: the form starts with the survey's
    defaults and sends every answer; AWX checks them (a required question must be answered, a textarea's answer
    is a string), then the job gets the template's extra_vars, each survey default that passes the checks, and
    the answers."""
    spec = template['survey_spec']['spec']
    sent = dict((item['variable'], item['default']) for item in spec if item.get('default') not in (None, ''))
    sent.update(answers)
    problems = [problem for item in spec for problem in answer_problems(item, sent)]
    assert not problems, problems
    extra_vars = dict(template.get('extra_vars') or {})
    for item in spec:
        if item.get('default') is not None and not answer_problems(item, {item['variable']: item['default']}):
            extra_vars[item['variable']] = item['default']
    extra_vars.update(sent)
    return extra_vars


# ---------------------------------------------------------------------------------------------------- jobs
class Job:
    """What a job run left: rc and status, the output, the events, and the artifacts (set_stats) AWX keeps."""

    def __init__(self, out_dir, workdir, output):
        self.workdir = workdir
        self.output = output
        artifacts = os.path.join(str(out_dir), 'artifacts')
        with open(os.path.join(artifacts, 'status'), encoding='utf-8') as handle:
            self.status = handle.read().strip()
        with open(os.path.join(artifacts, 'rc'), encoding='utf-8') as handle:
            self.rc = int(handle.read().strip())
        self.events = []
        events = os.path.join(artifacts, 'job_events')
        for name in sorted(os.listdir(events), key=lambda name: int(name.split('-', 1)[0])):
            with open(os.path.join(events, name), encoding='utf-8') as handle:
                self.events.append(json.load(handle))
        self.stdout = '\n'.join(event.get('stdout', '') for event in self.events)
        stats = [event for event in self.events if event.get('event') == 'playbook_on_stats']
        # what AWX stores as the job's artifacts, and hands to the next nodes of a workflow
        self.artifacts = stats[-1]['event_data'].get('artifact_data', {}) if stats else {}
        support.OUTPUTS.append(self.output + '\n' + json.dumps(self.events))

    def leaks(self, secrets):
        """The secrets (shortened) found in any job event (AWX keeps and shows them all) or the runner's output."""
        return support.leaked([json.dumps(event) for event in self.events] + [self.output], secrets)


def project_dir(path):
    """An AWX project: a repository holding the collection's ready playbooks under playbooks/."""
    shutil.copytree(os.path.join(support.ROOT, 'playbooks'), os.path.join(str(path), 'playbooks'))
    return path


def run_job(tmp_path, playbook, extra_vars, env, job_type='run', project=None, launch_dir=None, inventory=None):
    """Run PLAYBOOK (a path in the project) as an AWX job on an execution node; return the Job.

    The private data directory holds what the controller writes for a job: project/, inventory/hosts (localhost, or
    the text of `inventory`: the hosts of the job's inventory, or of its slice),
    env/extravars (the launch's extra variables), env/envvars (the credential's environment) and env/cmdline
    (--check for a job of type check). The worker unpacks it into tmp_path/worker, the job's working directory
    being its project/; the process step writes the artifacts and events to tmp_path/job-out.
    """
    private = tmp_path / 'job'
    if project is None:
        project = project_dir(tmp_path / 'project')
    shutil.copytree(str(project), str(private / 'project'))
    (private / 'inventory').mkdir(parents=True)
    (private / 'inventory' / 'hosts').write_text(inventory or (
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable), encoding='utf-8')
    (private / 'env').mkdir(exist_ok=True)
    envvars = dict(env, ANSIBLE_COLLECTIONS_PATH=support.COLLECTIONS, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'), ANSIBLE_REMOTE_TMP=str(tmp_path / 'ansible-remote'),
                   ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_DEPRECATION_WARNINGS='0',
                   ANSIBLE_LOCALHOST_WARNING='0')
    (private / 'env' / 'envvars').write_text(yaml.safe_dump(envvars), encoding='utf-8')
    (private / 'env' / 'extravars').write_text(json.dumps(extra_vars), encoding='utf-8')
    if job_type == 'check':
        (private / 'env' / 'cmdline').write_text('--check', encoding='utf-8')
    worker, out = tmp_path / 'worker', tmp_path / 'job-out'
    launch_dir = launch_dir or tmp_path
    run_env = dict((name, value) for name, value in os.environ.items() if not name.startswith('HELIX_'))
    run_env.update(PATH=os.path.dirname(sys.executable) + os.pathsep + run_env.get('PATH', ''), PWD=str(launch_dir))
    command = '%s transmit %s -p %s | %s worker --private-data-dir %s | %s process %s' % (
        RUNNER, shlex.quote(str(private)), shlex.quote(playbook), RUNNER, shlex.quote(str(worker)), RUNNER,
        shlex.quote(str(out)))
    proc = subprocess.run(['bash', '-o', 'pipefail', '-c', command], cwd=str(launch_dir), env=run_env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0 or os.path.exists(str(out / 'artifacts' / 'rc')), proc.stdout + proc.stderr
    return Job(out, worker / 'project', proc.stdout + proc.stderr)
