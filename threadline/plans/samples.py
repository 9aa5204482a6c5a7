"""A complete, synthetic treatment plan, for the demo practice and the tests.

Written for this project; the client it describes is invented. Dates are relative to the date
of service so the plan stays complete whatever day it is made.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from threadline.plans.content import new_part_id


def complete_plan(content: dict[str, Any], date_of_service: date) -> dict[str, Any]:
    """Fill `content` with a plan that meets every requirement of the default pack.

    Problem and objective ids already in `content` are kept, so a revision stays on the thread.
    """
    problems = content.get("problems") or []

    def pid(index: int) -> str:
        return problems[index]["id"] if index < len(problems) else new_part_id("p")

    def oid(index: int, objective: int) -> str:
        if index < len(problems) and objective < len(problems[index].get("objectives", [])):
            return str(problems[index]["objectives"][objective]["id"])
        return new_part_id("o")

    def later(days: int) -> str:
        return (date_of_service + timedelta(days=days)).isoformat()

    return {
        **content,
        "session": {
            "date_of_service": date_of_service.isoformat(),
            "start": "13:03",
            "stop": "13:55",
            "place_of_service": "office",
            "telehealth": None,
            "client_location": "",
            "hipaa_platform_attested": False,
        },
        "diagnoses": [
            {
                "code": "F41.1",
                "description": "Generalized anxiety disorder",
                "rank": "primary",
                "status": "current",
            }
        ],
        "background": {
            "presenting_problem": "Worry about work since a reorganisation in the spring; "
            "referred by primary care.",
            "symptoms": "Excessive worry most days for 8 months, restlessness, racing thoughts "
            "at night, muscle tension and poor sleep (meets DSM-5-TR criteria for generalized "
            "anxiety disorder).",
            "functional_impact": "Left four shifts early last month, avoids team meetings and "
            "has stopped seeing friends at weekends.",
        },
        "recommendation": {
            "modality": "Individual cognitive behavioral therapy (CBT)",
            "service_type": "Individual psychotherapy",
            "session_minutes": 53,
            "frequency": "weekly",
            "duration": "4 months",
            "medication_evaluation": "Referred to primary care for a medication evaluation.",
            "referrals": "",
        },
        "problems": [
            {
                "id": pid(0),
                "statement": "Work worry keeps the client from finishing shifts.",
                "goal": {
                    "statement": "Get through a full week at work without leaving early, "
                    "within 120 days or 15 sessions.",
                    "target_date": later(120),
                    "target_sessions": 15,
                },
                "objectives": [
                    {
                        "id": oid(0, 0),
                        "statement": "GAD-7 falls from 16 to 9 or below within 60 days, "
                        "checked every 2 weeks.",
                        "target_date": later(60),
                        "measure": {"instrument": "GAD-7", "baseline": 16, "target": 9},
                        "status": "active",
                    },
                    {
                        "id": oid(0, 1),
                        "statement": "Client completes 5 of 5 scheduled shifts a week for 4 "
                        "weeks in a row within 90 days, by shift log.",
                        "target_date": later(90),
                        "measure": None,
                        "status": "active",
                    },
                ],
                "interventions": [
                    {
                        "modality": "CBT",
                        "description": "Cognitive restructuring of catastrophic predictions "
                        "about work.",
                        "frequency": "weekly",
                        "who": "clinician",
                    },
                    {
                        "modality": "Applied relaxation",
                        "description": "Practised in session and daily at home.",
                        "frequency": "daily",
                        "who": "client",
                    },
                ],
            },
            {
                "id": pid(1),
                "statement": "Poor sleep from night-time worry.",
                "goal": {
                    "statement": "Sleep through most nights again, within 120 days.",
                    "target_date": later(120),
                    "target_sessions": None,
                },
                "objectives": [
                    {
                        "id": oid(1, 0),
                        "statement": "Nights with under 6 hours of sleep drop from 5 a week to "
                        "1 or fewer within 60 days, by sleep diary.",
                        "target_date": later(60),
                        "measure": None,
                        "status": "active",
                    }
                ],
                "interventions": [
                    {
                        "modality": "CBT-I",
                        "description": "Stimulus control and a fixed wake time, reviewed weekly.",
                        "frequency": "weekly",
                        "who": "clinician",
                    }
                ],
            },
        ],
    }
