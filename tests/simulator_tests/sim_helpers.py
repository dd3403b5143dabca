"""Client helpers shared by the simulator tests."""

import requests

from simulator.forms import STATUS_LABELS

ADMIN = ("Demo", "Demo-Passw0rd!")


class Api:
    """A requests session against the simulator, logged in on demand."""

    def __init__(self, base_url):
        self.base = base_url
        self.session = requests.Session()
        self.token = None

    def url(self, path):
        return self.base + path

    def login(self, username=ADMIN[0], password=ADMIN[1]):
        response = self.session.post(self.url("/api/jwt/login"), data={"username": username, "password": password})
        if response.status_code == 200:
            self.token = response.text
        return response

    def headers(self, token=None):
        if token is None and self.token is None:
            self.login()
        return {"Authorization": "AR-JWT " + (token or self.token)}

    def request(self, method, path, token=None, **kwargs):
        kwargs.setdefault("headers", self.headers(token))
        return self.session.request(method, self.url(path), timeout=10, **kwargs)

    def users(self, **params):
        return self.request("GET", "/api/arsys/v1/entry/User", params=params)

    def find(self, qualification, **params):
        response = self.users(q=qualification, **params)
        assert response.status_code == 200, response.text
        return [entry["values"] for entry in response.json()["entries"]]

    def create(self, values, form="User"):
        return self.request("POST", f"/api/arsys/v1/entry/{form}", json={"values": values})

    def update(self, entry_id, values, form="User"):
        return self.request("PUT", f"/api/arsys/v1/entry/{form}/{entry_id}", json={"values": values})

    def get(self, entry_id, form="User", **params):
        return self.request("GET", f"/api/arsys/v1/entry/{form}/{entry_id}", params=params)

    def delete(self, entry_id, form="User"):
        return self.request("DELETE", f"/api/arsys/v1/entry/{form}/{entry_id}")


def new_user(login="bob", **extra):
    values = {"Login Name": login, "Full Name": login.title() + " Tester", "License Type": "Fixed"}
    values.update(extra)
    return values


def error_number(response):
    body = response.json()
    assert isinstance(body, list) and body, response.text
    return body[0]["messageNumber"]


def deactivated(sim):
    """The label Status 1 reads as under the simulator's status_labels ("Disabled" or "Obsolete")."""
    return STATUS_LABELS[sim.settings.status_labels][1]
