"""Login, logout, token expiry and revocation, guest mode, HTML 401 pages."""

import json
import time

import jwt

from simulator import Simulator

from sim_helpers import ADMIN, Api, deactivated, new_user, error_number

ENTRY = "/api/arsys/v1/entry/User"


def test_login_returns_bare_jwt(api):
    response = api.login()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    token = response.text
    assert token.startswith("eyJ") and '"' not in token and " " not in token
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "Demo"
    assert {"iat", "exp", "jti"} <= set(claims)
    assert 3590 < claims["exp"] - claims["iat"] <= 3601


def test_bad_password_is_401_623(api):
    response = api.login("Demo", "wrong")
    assert response.status_code == 401
    assert error_number(response) == 623


def test_unknown_user_is_401_without_guest_mode(api):
    response = api.login("nobody", "x")
    assert response.status_code == 401
    assert error_number(response) == 623
    assert "X-AR-Messages" not in response.headers


def test_missing_login_fields_is_400(api):
    response = api.session.post(api.url("/api/jwt/login"), data={"username": "Demo"})
    assert response.status_code == 400
    assert isinstance(response.json(), list)
    response = api.session.post(api.url("/api/jwt/login"), data={})
    assert response.status_code == 400


def test_entry_routes_need_ar_jwt(api):
    token = api.login().text
    assert api.session.get(api.url(ENTRY)).status_code == 401
    response = api.session.get(api.url(ENTRY), headers={"Authorization": "Bearer " + token})
    assert response.status_code == 401
    assert error_number(response) == 623
    assert api.session.get(api.url(ENTRY), headers={"Authorization": "AR-JWT garbage"}).status_code == 401
    assert api.session.get(api.url(ENTRY), headers={"Authorization": "AR-JWT " + token}).status_code == 200


def test_token_from_other_secret_is_refused(api):
    forged = jwt.encode({"sub": "Demo", "exp": time.time() + 60, "jti": "x", "iat": 1}, "a-guessed-secret-of-at-least-32-bytes!", algorithm="HS256")
    assert api.users().status_code == 200
    assert api.request("GET", ENTRY, token=forged).status_code == 401


def test_logout_revokes(api):
    api.login()
    assert api.users().status_code == 200
    response = api.session.post(api.url("/api/jwt/logout"), headers=api.headers())
    assert response.status_code == 204
    assert api.users().status_code == 401
    assert api.session.post(api.url("/api/jwt/logout"), headers=api.headers()).status_code == 401
    assert api.session.post(api.url("/api/jwt/logout")).status_code == 401


def test_expired_token(api, sim):
    sim.configure(token_lifetime=0.3)
    api.login()
    assert api.users().status_code == 200
    time.sleep(0.4)
    response = api.users()
    assert response.status_code == 401
    assert error_number(response) == 623


def test_html_401_for_token_problems_only(api, sim):
    sim.configure(html_401=True)
    response = api.session.get(api.url(ENTRY))
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html" in response.text
    api.login()
    api.session.post(api.url("/api/jwt/logout"), headers=api.headers())
    revoked = api.users()
    assert revoked.status_code == 401 and revoked.headers["Content-Type"].startswith("text/html")
    failed = api.login("Demo", "bad")
    assert failed.status_code == 401 and error_number(failed) == 623


def test_guest_mode(api, sim):
    sim.configure(guest_mode=True)
    response = api.login("ghost", "whatever")
    assert response.status_code == 200
    messages = json.loads(response.headers["X-AR-Messages"])
    assert messages == [{"messageType": "WARNING", "messageNumber": 59, "messageText": "No such user",
                         "messageAppendedText": None}]
    assert jwt.decode(response.text, options={"verify_signature": False})["sub"] == "ghost"
    assert api.login("jdoe", "wrong-password").status_code == 401
    ok = api.login(*ADMIN)
    assert ok.status_code == 200 and "X-AR-Messages" not in ok.headers


def test_form_users_can_log_in(api, sim):
    api.login()
    assert api.create(new_user("carol", Password="S3cret!x")).status_code == 201
    assert sim.password_matches("carol", "S3cret!x")
    assert not sim.password_matches("carol", "nope")
    token = api.login("carol", "S3cret!x")
    assert token.status_code == 200
    assert api.login("carol", "nope").status_code == 401
    carol = api.find("'Login Name' = \"carol\"")[0]
    api.login()
    assert api.update(carol["Request ID"], {"Status": deactivated(sim)}).status_code == 204
    assert api.login("carol", "S3cret!x").status_code == 401


def test_configured_admin_users(sim, api):
    sim.configure(admin_users={"ops": "Ops-Passw0rd!"})
    assert api.login("ops", "Ops-Passw0rd!").status_code == 200
    assert api.login(*ADMIN).status_code == 200  # Demo still has its stored password in the User form


def test_invalid_accounts_answer_401_624(api, sim):
    assert api.create(new_user("barred", Password="Barred-Pw1")).status_code == 201
    sim.configure(invalid_accounts=["barred", "ghost"])
    for login, password in (("barred", "Barred-Pw1"), ("barred", "wrong"), ("ghost", "x")):
        response = api.login(login, password)
        assert response.status_code == 401, login
        body = response.json()
        assert len(body) == 1 and body[0]["messageType"] == "ERROR"
        assert body[0]["messageNumber"] == 624 and "invalid" in body[0]["messageText"]
        assert set(body[0]) == {"messageType", "messageNumber", "messageText", "messageAppendedText"}
    assert error_number(api.login("jdoe", "wrong")) == 623        # other accounts: still 623
    assert api.login(*ADMIN).status_code == 200
    assert sim.stats.snapshot()["login_failures"] == 4


def test_invalid_accounts_beat_guest_mode_and_follow_the_case_rule(api, sim):
    sim.configure(invalid_accounts=["Ghost"], guest_mode=True)
    assert error_number(api.login("Ghost", "x")) == 624
    assert api.login("ghost", "x").status_code == 200              # case-sensitive: another (guest) login
    sim.configure(case_sensitive=False)
    assert error_number(api.login("ghost", "x")) == 624


def test_invalid_accounts_from_config_and_reset(api, sim):
    response = api.session.post(api.url("/__sim/config"), json={"invalid_accounts": ["Demo"]})
    assert response.status_code == 200 and response.json()["invalid_accounts"] == ["Demo"]
    assert error_number(api.login(*ADMIN)) == 624
    sim.reset()
    assert sim.settings.invalid_accounts == [] and api.login(*ADMIN).status_code == 200
    with Simulator(port=0, invalid_accounts="jdoe, asmith") as other:
        assert other.settings.invalid_accounts == ["jdoe", "asmith"]
        other.configure(invalid_accounts=[])
        other.reset()
        assert other.settings.invalid_accounts == ["jdoe", "asmith"]
        assert error_number(Api(other.url).login("jdoe", "x")) == 624
