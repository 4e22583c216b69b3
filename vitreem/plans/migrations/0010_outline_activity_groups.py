"""The outline's activities take the Circular 28 group their former section block carried.

Outlines stored before an activity node could hold its group lost it; the group is still on the
plan's ``sections``. Each activity node, in document order, takes the group of the activity block
of the same place when the plan has as many of each; a plan whose body was edited apart from its
sections keeps its outline as it is. Self-contained: no application code.
"""

from django.db import migrations


def _section_groups(blocks):
    for block in blocks:
        if block.get("type") == "subsection":
            if block.get("activity_group"):
                yield block["activity_group"]
            yield from _section_groups(block.get("blocks") or [])


def _activity_nodes(nodes):
    for node in nodes:
        if node.get("role") == "activity":
            yield node
        yield from _activity_nodes(node.get("children") or [])


def fill_groups(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    for plan in Plan.objects.only("pk", "sections", "outline").iterator():
        groups = [g for s in plan.sections or [] for g in _section_groups(s.get("blocks") or [])]
        nodes = list(_activity_nodes(plan.outline or []))
        if not groups or len(groups) != len(nodes) or any("activity" in n for n in nodes):
            continue
        for node, group in zip(nodes, groups, strict=True):
            node["activity"] = {"group": group, "start": None, "end": None, "units": []}
        plan.save(update_fields=["outline"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0009_received_plans")]

    operations = [migrations.RunPython(fill_groups, migrations.RunPython.noop)]
