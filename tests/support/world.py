"""A body with departments, a cycle in goal review and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from planning_cycle.models import Body, Department, PlanningCycle, Role, User

from .factories import BodyFactory, DepartmentFactory, cycle_for, user_with_role


@dataclass
class World:
    """A body with three departments, a cycle and one user per role."""

    body: Body
    departments: list[Department]
    cycle: PlanningCycle
    users: dict[str, User]

    @property
    def department(self) -> Department:
        return self.departments[0]


def build_world(key: str = "landkreis-test", departments: int = 3) -> World:
    """Build a body with departments, a cycle in goal review and a user per role."""
    body = BodyFactory(key=key, name=f"Landkreis {key}")
    depts = [
        DepartmentFactory(body=body, code=f"FD {31 + i}", name=f"Fachdienst {31 + i}")
        for i in range(departments)
    ]
    users = {
        role.value: user_with_role(
            body, role, depts[0] if role in (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_EDITOR) else None
        )
        for role in Role
    }
    users["other_department_head"] = user_with_role(body, Role.DEPARTMENT_HEAD, depts[1])
    return World(body=body, departments=depts, cycle=cycle_for(body), users=users)
