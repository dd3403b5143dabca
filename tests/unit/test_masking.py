"""SecretMasker masks as Ansible's remove_values does, in time that grows with the result, not with the secrets."""

import time

from hypothesis import given, strategies as st

from ansible.module_utils.common.parameters import remove_values
from ansible_collections.helix.users.plugins.module_utils.masking import SecretMasker

# ('*' is left out: the eight stars a secret becomes could then spell another)
PIECES = st.sampled_from(['pw', 'pw1', 'secret', 'Sécret-2', 'x', 'abc', 'pwpw', ' ', 'a', '1'])
TEXTS = st.lists(PIECES, max_size=6).map(''.join)
SECRETS = st.sets(st.lists(PIECES, min_size=1, max_size=3).map(''.join), min_size=1, max_size=6)
TREES = st.recursive(st.one_of(TEXTS, st.integers(), st.booleans(), st.none()),
                     lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXTS, inner, max_size=4)),
                     max_leaves=20)


def leaks(value, secrets):
    """Strings of value that still hold a secret, and numbers whose text does."""
    found, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            pending.extend(item)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            if item != 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER':
                found.extend(secret for secret in secrets if secret in str(item))
    return found


@given(TREES, SECRETS)
def test_the_masker_leaves_no_secret_where_remove_values_leaves_none(tree, secrets):
    assert leaks(remove_values(tree, secrets), secrets) == []  # what Ansible guarantees...
    assert leaks(SecretMasker(secrets).tree(tree), secrets) == []  # ...the masker does too


@given(TEXTS, SECRETS)
def test_a_string_equal_to_a_secret_becomes_the_placeholder_like_ansible(text, secrets):
    masker = SecretMasker(secrets)
    if text in secrets:
        assert masker.text(text) == remove_values(text, secrets) == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert not leaks(masker.text(text), secrets)


def test_keys_are_kept_and_containers_copied():
    tree = {'pw1': ['pw1', ('a', 'pw1'), {'n': 41}], 'n': 7}
    masked = SecretMasker({'pw1', '41'}).tree(tree)
    assert masked == {'pw1': ['VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', ('a', 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'),
                              {'n': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}], 'n': 7}
    assert tree['pw1'][0] == 'pw1'  # the original is untouched
    assert SecretMasker({'Secret-1'}).text('before Secret-1 after Secret-1') == 'before ******** after ********'


def test_ten_thousand_secrets_over_ten_thousand_items_take_well_under_a_second():
    secrets = ['Pw-%05d-xyz' % n for n in range(10000)]
    items = [dict(login_name='user%05d' % n, action='unchanged', msg='user user%05d is fine' % n) for n in range(10000)]
    started = time.perf_counter()
    masked = SecretMasker(secrets).tree(dict(users=items + [dict(msg='oops Pw-00042-xyz')]))
    assert time.perf_counter() - started < 2.0  # remove_values: tens of seconds
    assert masked['users'][-1]['msg'] == 'oops ********'
