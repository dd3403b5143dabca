"""Every module is in the action group, documents its attributes, and shows FQCN and module_defaults in EXAMPLES."""

import importlib
import os

import pytest
import yaml

from support import ROOT

MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py'))


def test_the_action_group_lists_every_module():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        runtime = yaml.safe_load(handle)
    assert sorted(runtime['action_groups']['helix']) == MODULES


@pytest.mark.parametrize('name', MODULES)
def test_module_documentation(name):
    module = importlib.import_module('ansible_collections.helix.users.plugins.modules.' + name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    assert 'helix.users.connection' in doc['extends_documentation_fragment']
    assert 'helix.users.attributes' in doc['extends_documentation_fragment']
    attributes = doc.get('attributes', {})
    if 'helix.users.attributes.INFO_MODULE' not in doc['extends_documentation_fragment']:
        assert {'check_mode', 'diff_mode'} <= set(attributes)
    assert 'module_defaults' in module.EXAMPLES and 'helix.users.%s:' % name in module.EXAMPLES
    returns = yaml.safe_load(module.RETURN)
    assert 'api_calls' in returns
