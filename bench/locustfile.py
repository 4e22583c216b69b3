"""The users of the load test (bench/load.py starts it; not run on its own).

Two kinds of people, as in an Action Month's reporting week: commune officers who open their
home page, their report, type cells of it (each save is the entry grid's PUT with the report's
version) and look at their registry list; and province supervisors who follow the round, its
live consolidated table, completeness and the API. Each waits 1–3 s between actions, as a
person reading a page does. Credentials come from the file that bench/load.py writes
(LOAD_USERS).
"""

import itertools
import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

with open(os.environ["LOAD_USERS"], encoding="utf-8") as fh:
    PLAN = json.load(fh)
_officers = itertools.cycle(PLAN["officers"])
_supervisors = itertools.cycle(PLAN["supervisors"])


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    account: dict[str, Any]

    def sign_in(self) -> None:
        # Sessions and tokens are made by bench/load.py before the run (see signed_in there).
        self.client.cookies.set("sessionid", self.account["session"])
        self.bearer = {"Authorization": f"Bearer {self.account['token']}"}

    def page(self, path: str, name: str) -> None:
        # A page answered by the sign-in form instead (a lost session) is a failure.
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code} {page.headers.get('Location', '')}")

    def api(self, path: str, name: str) -> Any:
        return self.client.get(path, headers=self.bearer, name=name)


class CommuneOfficer(Person):
    weight = 4

    def on_start(self) -> None:
        self.account = next(_officers)
        self.sign_in()
        self.version = self.api(
            f"/api/v1/submissions/{self.account['submission']}", "API report"
        ).json()["version"]

    @task(2)
    def home(self) -> None:
        self.page("/", "home page")

    @task(1)
    def my_report(self) -> None:
        self.page(f"/reports/submissions/{self.account['submission']}/", "report page")

    @task(4)
    def save_cells(self) -> None:
        # What the entry grid sends when the officer types a cell of table 1.
        cells = [
            {"element": code, "row": "", "category": category, "value": random.randint(0, 500)}
            for code, category in random.sample(PLAN["cells"], 2)
        ]
        with self.client.put(
            f"/api/v1/submissions/{self.account['submission']}/values",
            json={"version": self.version, "values": cells},
            headers=self.bearer,
            name="entry save (API PUT values)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                self.version = answer.json()["version"]
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task(1)
    def registry(self) -> None:
        self.page(f"/children/?unit={self.account['unit']}", "registry list page")


class ProvinceSupervisor(Person):
    weight = 1

    def on_start(self) -> None:
        self.account = next(_supervisors)
        self.sign_in()

    @task(2)
    def home(self) -> None:
        self.page("/", "home page")

    @task(2)
    def round_page(self) -> None:
        self.page(f"/reports/{PLAN['round']}/", "round page (province)")

    @task(2)
    def consolidated(self) -> None:
        self.page(f"/reports/{PLAN['round']}/consolidated/", "consolidated table (province)")

    @task(1)
    def commune_consolidated(self) -> None:
        unit = random.choice(PLAN["officers"])["unit"]
        self.page(
            f"/reports/{PLAN['round']}/consolidated/?unit={unit}", "consolidated table (a commune)"
        )

    @task(2)
    def api_calls(self) -> None:
        self.api(
            f"/api/v1/rounds/{PLAN['round']}/completeness?unit={PLAN['province']}",
            "API completeness",
        )
        self.api(
            f"/api/v1/rounds/{PLAN['round']}/consolidated?unit={PLAN['province']}",
            "API consolidated",
        )
        self.api("/api/v1/units?q=ha+noi", "API units search")
