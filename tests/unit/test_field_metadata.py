"""What a form tells of its fields, parsed (field_metadata), and the rules that need no server: the ENUM shapes read
and refused, required fields, Group Lists as servers store them, where a SaaS tenant's API is."""

import pytest

from support import NoFieldMetadata

from ansible_collections.helix.users.plugins.module_utils.errors import ui_host_hint
from ansible_collections.helix.users.plugins.module_utils.field_metadata import FormFields, selections_of
from ansible_collections.helix.users.plugins.module_utils.groups import join_group_list, split_group_list
from ansible_collections.helix.users.plugins.module_utils.writes import Change, Step, WriteError, execute

LICENSE = {'Read': 0, 'Fixed': 1, 'Floating': 2}


@pytest.mark.parametrize('limit', [
    {'list_style': 'REGULAR', 'string_list': ['Read', 'Fixed', 'Floating']},
    {'regular_list': ['Read', 'Fixed', 'Floating']},
    {'list_style': 'CUSTOM', 'custom_list': [{'enum_item_name': 'Read', 'enum_item_number': 0},
                                             {'enum_item_name': 'Fixed', 'enum_item_number': 1},
                                             {'enum_item_name': 'Floating', 'enum_item_number': 2}]},
    {'custom_list': [{'name': 'Read', 'id': 0}, {'name': 'Fixed', 'id': 1}, {'name': 'Floating', 'id': '2'}]},
    {'selections': {'Read': 0, 'Fixed': 1, 'Floating': 2}},
    {'enum_values': {'0': 'Read', '1': 'Fixed', '2': 'Floating'}},
])
def test_the_enum_shapes_that_can_be_justified_are_read(limit):
    assert selections_of(limit) == LICENSE


@pytest.mark.parametrize('limit', [
    None, {}, {'list_style': 'QUERY', 'query': {'form': 'X'}}, {'string_list': [1, 2]},
    {'custom_list': [{'enum_item_name': 'Read'}]}, {'values': ['Read']}, {'selections': {'Read': 'zero'}},
])
def test_any_other_shape_gives_no_selections(limit):
    assert selections_of(limit) is None


def form(*fields):
    return FormFields.parse('Custom', list(fields))


def field(field_id, name, datatype='CHAR', option='OPTIONAL', default=None, limit=None):
    return dict(id=field_id, name=name, datatype=datatype, field_option=option, create_mode='OPEN',
                default_value=default, limit=limit)


def test_fields_are_found_by_name_any_case_or_id_and_unknown_ones_name_the_closest():
    meta = form(field(1, 'Request ID', option='SYSTEM'), field(8, 'Short Description', option='REQUIRED'),
                field(536870913, 'Priority', 'ENUM', limit={'string_list': ['Low', 'High']}))
    assert meta.find('priority').name == 'Priority' and meta.find('536870913').name == 'Priority'
    assert meta.names()['8'] == 'Short Description'
    assert meta.unknown(['Priorty', 'Nothing Like It'], 'values') == [
        "values names 'Priorty', which is no field of form 'Custom' (did you mean 'Priority'?)",
        "values names 'Nothing Like It', which is no field of form 'Custom'"]
    assert FormFields.parse('Custom', {'unexpected': True}) is None


def test_required_fields_a_create_leaves_empty():
    meta = form(field(1, 'Request ID', option='REQUIRED'), field(2, 'Submitter', option='REQUIRED'),
                field(7, 'Status', 'ENUM', 'REQUIRED', default='New'), field(8, 'Title', option='REQUIRED'),
                field(9, 'Notes', option='DISPLAY'), field(10, 'Owner', option='REQUIRED'))
    assert meta.missing_on_create({'Title': 'x'}) == ['Owner']
    assert meta.missing_on_create({'title': 'x', '10': 'me'}) == []
    assert meta.missing_on_create({'Title': '', 'Owner': None}) == ['Title', 'Owner']


def test_values_the_form_would_refuse():
    meta = form(field(7, 'Status', 'ENUM', limit={'string_list': ['New', 'Closed']}),
                field(104, 'Group List', limit={'max_length': 10}))
    assert meta.value_problems({'Status': 'closed', 'Group List': '1;2;'}, 'update x') == []
    assert meta.value_problems({'Status': 1}, 'update x') == []
    assert meta.value_problems({'Status': 'Open', 'Group List': '1;2;3;4;5;6;'}, 'update x') == [
        "update x: 'Open' is not a value of Status of form 'Custom': one of New, Closed",
        "update x: Group List would be 12 characters; form 'Custom' holds at most 10 in it"]
    assert meta.same_value('Status', 1, 'Closed') is True and meta.same_value('Group List', 'a', 'a') is None


def test_a_group_list_of_ids_separated_by_spaces_reads_like_one_separated_by_semicolons():
    assert split_group_list('1 1000000001 1000000002') == ['1', '1000000001', '1000000002']
    assert split_group_list('1 1000000001;1000000002;') == ['1', '1000000001', '1000000002']
    assert split_group_list('Service Desk;Incident Master;') == ['Service Desk', 'Incident Master']
    assert split_group_list(' -12 7 ') == ['-12', '7']


class Plain(NoFieldMetadata):
    """A tenant without field metadata: only the limits the collection knows."""

    def get_entry(self, *args, **kwargs):  # pragma: no cover - nothing is read
        raise AssertionError('no read expected')


def test_a_group_list_longer_than_the_user_form_holds_is_refused_before_any_write():
    group_list = join_group_list(str(1000000000 + number) for number in range(400))
    step = Step('User', 'update', 'E1', {'Group List': group_list}, what="update user 'jdoe'")
    change = Change("user 'jdoe'", 'updated', [step])
    with pytest.raises(WriteError, match="update user 'jdoe': Group List would be 4400 characters; form 'User' holds"
                                         " at most 4000"):
        execute(Plain(), [change], check_mode=True)


@pytest.mark.parametrize('url, location, where', [
    ('https://acme.onbmc.com', '', 'set helix_url to https://acme-restapi.onbmc.com'),
    ('https://acme.onbmc.com/', 'https://sso.onbmc.com/rsso/start', 'set helix_url to https://acme-restapi.onbmc.com'),
    ('https://helix.example.com', '', "set helix_url to the tenant's REST API host"),
])
def test_the_ui_host_is_named_with_the_rest_api_host(url, location, where):
    hint = ui_host_hint(url, location)
    assert where in hint and 'https://<tenant>-restapi.onbmc.com' in hint


def test_a_redirect_on_the_same_host_is_no_ui_host():
    assert ui_host_hint('http://acme-restapi.onbmc.com', 'https://acme-restapi.onbmc.com/api/jwt/login') is None
