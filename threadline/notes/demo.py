"""The demo practice's clinical record: a signed intake for every client seen, months of signed
progress notes on the golden thread, the gaps a real caseload has, and one client discharged.

`load_notes` runs after the demo's plans and sessions (`threadline.demo.load`). Each document is
written as the clinician would write it: opened with `services.start_note`, filled in, saved
with `services.save_draft` and signed with `services.sign_note` at a moment a few hours after
its session (`now=`), so the rules check it, the signature is real and the audit log records it.
Nothing bypasses the rules: a session whose note the rules would refuse because of where the
client's plan stood that day (no signed plan yet, a plan that had lapsed) is left without a
note, as it would be in a real record, and the work queue and the golden-thread report show it.

The gaps, chosen among the clients whose sessions can be documented (fullest record first):
the first two have no note yet for their latest session, the second never cites one objective
of its plan, the third has its latest note still in draft; the fullest record is otherwise
complete, with one note signed a day late. One former client, added here with its own weekly
slot, was seen for about three months and discharged with a signed summary.

All content is written for this project and describes invented people; nothing here is, or
resembles, a real person's record.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from threadline.accounts.models import Payer, Practice, User
from threadline.appointments import services as appointments
from threadline.appointments.models import Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.clients import services as clients
from threadline.clients.models import Client
from threadline.icd import load_default
from threadline.notes import checks, history, services
from threadline.notes import content as note_content
from threadline.notes.models import Kind, Note
from threadline.notes.models import Status as NoteStatus
from threadline.notes.services import INTAKE_SERVICES
from threadline.plans import services as plans
from threadline.plans.checks import pack_for
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.plans.samples import complete_plan
from threadline.rules.facts import NoteFormat, ProgressRating

Content = dict[str, Any]

# What stops a progress note because of where the client's plan stood on the day, not because
# of anything the note says. Those sessions stay undocumented.
PLAN_BLOCKS = frozenset(
    {
        "note.golden_thread.plan_missing",
        "note.golden_thread.plan_not_yet_effective",
        "note.golden_thread.plan_ended",
        "note.golden_thread.plan_review_overdue",
        "note.golden_thread.plan_expired_medicare",
    }
)
FORMATS = (NoteFormat.DAP, NoteFormat.SOAP, NoteFormat.BIRP)
# Progress is read against about fifteen weeks of weekly therapy.
HORIZON_DAYS = 105
# The former client: seen for this many weeks, the last about a month ago.
FORMER_WEEKS = 14
FORMER_ENDED_WEEKS_AGO = 4


# --- the words ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Presentation:
    """One invented client's story at intake."""

    key: str
    diagnoses: tuple[tuple[str, str], ...]  # (ICD-10-CM code, description), the primary first
    presenting_problem: str
    history: Mapping[str, str]  # every area of `intake_rules.HISTORY_AREAS`
    mental_status: Mapping[str, str]  # every domain of `intake_rules.MENTAL_STATUS_DOMAINS`
    risk: Mapping[str, str]
    recommendation: Mapping[str, str]


@dataclass(frozen=True)
class Measure:
    """An objective's comment: `template` with {n}, either a questionnaire score moving from
    `start` to `end` over the course, or a count from the client's log, one per stage."""

    template: str
    start: int
    end: int
    stages: tuple[int, int, int] | None = None

    def at(self, progress: float, rng: random.Random) -> str:
        if self.stages is not None:
            return self.template.format(n=self.stages[_stage(progress)])
        share = min(max(progress, 0.0), 1.0)
        value = round(self.start + (self.end - self.start) * share) + rng.randint(-1, 1)
        low, high = sorted((self.start, self.end))
        return self.template.format(n=min(max(value, low), high))


@dataclass(frozen=True)
class ObjectiveWords:
    """How sessions on one plan objective read: early, midway and late in treatment."""

    reports: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    setback: str
    # What was done, each with the position, among its problem's interventions in the plan, of
    # the intervention it carries out.
    methods: tuple[tuple[int, str], ...]
    responses: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    homework: tuple[str, ...]
    measure: Measure


@dataclass(frozen=True)
class Theme:
    """The words of a course of therapy, one `ObjectiveWords` per plan objective in plan order."""

    objectives: tuple[ObjectiveWords, ...]
    observations: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    judgements: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    risk: Callable[[float, random.Random], tuple[bool, str]]  # (flagged, the assessment)


NO_RISK = (
    "Asked directly: denies suicidal and homicidal ideation, plan and intent, and any self-harm. "
    "Protective factors unchanged; risk remains low.",
    "No suicidal or homicidal ideation reported or observed; denies self-harm. Risk low, "
    "unchanged from the intake.",
    "Denies thoughts of suicide or of harming others this week; no warning signs seen. Risk "
    "judged low.",
)


def _steady_risk(progress: float, rng: random.Random) -> tuple[bool, str]:
    del progress
    return False, rng.choice(NO_RISK)


def _depression_risk(progress: float, rng: random.Random) -> tuple[bool, str]:
    if progress < 0.2:
        return True, (
            "Reports passive thoughts that it \"wouldn't matter if I didn't wake up\" on two "
            "nights this week; denies any plan, intent or preparation, and any self-harm. "
            "Reviewed the safety plan from the intake (warning signs, coping steps, sister's "
            "number, 988); it is on the client's phone. Risk judged low; asked again each "
            "session."
        )
    if progress < 0.4:
        return False, (
            "No passive thoughts of death since the last session, asked directly; denies plan "
            "and intent. Safety plan kept on the phone. Risk low."
        )
    return False, rng.choice(NO_RISK)


ANXIETY = Theme(
    objectives=(
        ObjectiveWords(  # GAD-7
            reports=(
                (
                    "Client reports worrying most of each day about being blamed for mistakes, "
                    "and spent Sunday evening rehearsing what could go wrong on Monday.",
                    'Client describes the worry as "a radio I can\'t turn off", loudest on the '
                    "drive in and after any message from a manager.",
                    "Client reports checking work messages late at night to be sure nothing "
                    "had gone wrong, and feeling worse afterwards.",
                ),
                (
                    'Client reports catching two "what if" spirals this week and writing them '
                    "down instead of replaying them.",
                    "Client says the worry still comes daily but now passes within minutes on "
                    "most days rather than taking the evening.",
                    "Client used the 6 pm worry period on four evenings and found most worries "
                    "had shrunk by then.",
                ),
                (
                    "Client reports whole mornings without noticing the worry; critical "
                    'feedback on Tuesday felt "annoying, not a catastrophe".',
                    "Client describes fixing an error in a report and moving on, without "
                    "replaying it that night.",
                    'Client says the worry is "background noise now" and no longer decides '
                    "what they do.",
                ),
            ),
            setback="Client reports a hard week: talk of more job cuts brought back hours of "
            "worry each day and two nights of checking messages.",
            methods=(
                (
                    0,
                    'Used CBT cognitive restructuring on the prediction "one mistake and I\'m out":'
                    " weighed the evidence for and against it, and the client wrote a balanced "
                    "alternative.",
                ),
                (
                    0,
                    "Socratic questioning of the week's strongest worry, then a thought record "
                    "completed together in session.",
                ),
                (
                    0,
                    "Planned a behavioral experiment: speak once in the next team meeting and "
                    "compare what happens with what was predicted.",
                ),
                (
                    0,
                    "CBT: went through the week's thought records and the probability "
                    "overestimation they show, with the client's own examples.",
                ),
            ),
            responses=(
                (
                    'Engaged, though doubtful the balanced thought "would hold up at work"; '
                    "belief in the catastrophic prediction about 80 %.",
                    "Needed prompting to find evidence against the worry but completed the "
                    "exercise.",
                ),
                (
                    "Produced two balanced alternatives unaided; belief in the catastrophic "
                    "prediction fell from 70 % to 40 % in session.",
                    "Named the thinking trap before the clinician did, twice.",
                ),
                (
                    "Led the restructuring with little prompting; belief in the old prediction "
                    "now about 15 %.",
                    "Applied the skills to a new worry without help and could say what had "
                    "changed.",
                ),
            ),
            homework=(
                "Thought record for the strongest worry each day.",
                "Keep the 6 pm worry period and postpone worries until then.",
                "Speak once in the next team meeting and write down what happened.",
            ),
            measure=Measure("GAD-7 {n} (16 at intake).", 16, 7),
        ),
        ObjectiveWords(  # full weeks at work
            reports=(
                (
                    "Client left two shifts early, on Tuesday and Wednesday, after tense "
                    "handovers, sure a mistake would be found.",
                    "Client completed 3 of 5 scheduled shifts and called in sick on Friday "
                    "after a night of worry.",
                    "Client avoided the weekly team meeting again and left two shifts at the "
                    "break.",
                ),
                (
                    "Client completed 4 of 5 shifts and stayed to the end of Thursday's "
                    "despite the urge to leave at the break.",
                    "Client sat through the whole team meeting on Monday, though did not speak.",
                    "Client stayed after a difficult handover and used the relaxation practice "
                    "in the car park instead of going home.",
                ),
                (
                    "Client completed all 5 shifts again this week, by the shift log.",
                    "Client stayed for the full team meeting and asked a question about the "
                    "new rota.",
                    "Client covered a colleague's late shift at short notice with little worry "
                    "beforehand.",
                ),
            ),
            setback="Client left two shifts early this week after hearing rumours of more cuts.",
            methods=(
                (
                    0,
                    "Reviewed the shift log and planned, with CBT, the hardest point of each shift"
                    " and what to do at that moment instead of leaving.",
                ),
                (
                    1,
                    "Applied relaxation practised in session and cued to the minute before each "
                    "handover.",
                ),
                (
                    0,
                    "CBT problem-solving about the urge to leave: what the client predicts if they"
                    " stay, against what happened when they did.",
                ),
            ),
            responses=(
                (
                    "Agreed to the plan but expects to leave early at least once.",
                    "Unsure it will work at the busiest point of a shift; agreed to try it "
                    "for one week.",
                ),
                (
                    "Could name the moment the urge to leave peaks and what got them through it.",
                    "Used the skill unprompted in session while describing a handover.",
                ),
                (
                    "Confident about the coming week and planned ahead for a known hard shift.",
                    "No longer needs to leave to feel calmer; uses the skills as a quick reset.",
                ),
            ),
            homework=(
                "Keep the shift log and stay to the end of each shift.",
                "Cue-controlled relaxation before each handover.",
                "Stay for the whole team meeting.",
            ),
            measure=Measure("Shift log: {n} of 5 shifts completed.", 3, 5, (3, 4, 5)),
        ),
        ObjectiveWords(  # sleep
            reports=(
                (
                    "Client's sleep diary shows 5 nights under 6 hours; lies awake going over "
                    "the next shift.",
                    "Client reports falling asleep after 1 am on most nights and waking at "
                    "4 am with worry.",
                ),
                (
                    "Client's sleep diary shows 3 short nights this week, down from 5; kept the "
                    "fixed wake time on 6 days.",
                    "Client is getting out of bed after about 20 minutes awake, as agreed, and "
                    "falling asleep sooner on return.",
                ),
                (
                    "Client's sleep diary shows 1 short night this week; usually asleep within "
                    "about 20 minutes.",
                    "Client reports sleeping through on most nights and no longer dreading "
                    "bedtime.",
                ),
            ),
            setback="Client's sleep diary shows 4 short nights, with the worry back at bedtime.",
            methods=(
                (
                    0,
                    "Reviewed the sleep diary and applied CBT-I stimulus control: out of bed after"
                    " about 20 minutes awake, back only when sleepy.",
                ),
                (
                    0,
                    "Reviewed the fixed wake time of 6:15 am, weekends included, and what got in "
                    "its way (CBT-I).",
                ),
            ),
            responses=(
                ("Sceptical that getting up helps; agreed to try it for one week.",),
                ("Noticed falling asleep sooner on nights the rule was kept.",),
                ("Keeps the routine without reminders and can explain why it works.",),
            ),
            homework=(
                "Sleep diary every morning; fixed wake time of 6:15 am.",
                "Out of bed after 20 minutes awake; no screens in bed.",
            ),
            measure=Measure("Sleep diary: {n} nights under 6 hours this week.", 5, 1, (5, 3, 1)),
        ),
    ),
    observations=(
        (
            "Tense posture, rubbed the back of the neck often, speech slightly rapid; affect "
            "anxious.",
            "Looked tired and fidgeted with keys throughout; affect anxious, congruent.",
        ),
        (
            "Less restless than at intake; affect anxious at times but brighter, with some humour.",
            "Sat back in the chair for most of the session; speech at a normal rate.",
        ),
        (
            "Relaxed posture, smiled often, speech at a normal rate; affect euthymic.",
            "Calm and engaged; affect full range and congruent with the content.",
        ),
    ),
    judgements=(
        (
            "Symptoms remain near the intake level; engagement is good and the formulation is "
            "shared.",
            "Worry and avoidance still limit work; weekly CBT remains necessary.",
        ),
        (
            "Moving toward the objectives: worry and avoidance are both less than at intake, "
            "though not yet reliably.",
            "Gains are showing in the logs; continued weekly CBT is indicated to consolidate them.",
        ),
        (
            "Gains are holding across several weeks; nearing the targets, so relapse "
            "prevention begins.",
            "Close to the objectives' targets; will discuss spacing sessions at the plan review.",
        ),
    ),
    risk=_steady_risk,
)

DEPRESSION = Theme(
    objectives=(
        ObjectiveWords(  # PHQ-9
            reports=(
                (
                    'Client reports most days feel "flat and pointless" and spent four '
                    "afternoons in bed.",
                    "Client says nothing feels worth starting and describes harsh self-talk "
                    'about the job loss: "I\'m useless".',
                ),
                (
                    "Client reports some better days, enjoying a walk with their sister on "
                    "Saturday, though mornings are still heavy.",
                    'Client noticed the "I\'m useless" thought and answered it twice this week.',
                ),
                (
                    'Client reports mood "mostly okay, sometimes good" and interest back in '
                    "cooking and the running group.",
                    "Client describes a rejected application as disappointing rather than "
                    "proof of failure.",
                ),
            ),
            setback="Client reports a low week after a rejection letter, with two days in bed.",
            methods=(
                (
                    1,
                    'CBT cognitive restructuring of the thought "I\'m useless without the job": '
                    "evidence for and against, and a balanced statement in the client's words.",
                ),
                (
                    1,
                    "Thought record on the week's lowest moment, linking the thought, the mood and"
                    " what the client did next (CBT).",
                ),
            ),
            responses=(
                ("Could find little evidence against the thought yet; tearful, then engaged.",),
                ("Wrote the balanced statement unaided and rated it 50 % believable.",),
                ("Answers the self-critical thought quickly and with some humour.",),
            ),
            homework=(
                "One thought record on the lowest moment of each day.",
                "Read the balanced statement each morning.",
            ),
            measure=Measure("PHQ-9 {n} (17 at intake).", 17, 6),
        ),
        ObjectiveWords(  # planned activities
            reports=(
                (
                    "Client planned three activities and completed one, a walk to the shop.",
                    "Client kept the activity log on four days; most entries are television "
                    "and sleep.",
                ),
                (
                    "Client completed 2 of 3 planned activities, including coffee with a "
                    "former colleague.",
                    "Client went to the community running group once and rated mood 6/10 "
                    "afterwards, against 3/10 before.",
                ),
                (
                    "Client completed all 3 planned activities again: the running group, one "
                    "job application and Sunday dinner with their sister.",
                    "Client has kept the weekly routine for a month and added a volunteering "
                    "shift at the food bank.",
                ),
            ),
            setback="Client cancelled all planned activities in a low week.",
            methods=(
                (
                    0,
                    "Behavioral activation: reviewed the activity log and scheduled three "
                    "activities for the coming week, graded from easy to harder.",
                ),
                (
                    0,
                    "Activity monitoring showed mood lifting on days with time outdoors; built "
                    "that into next week's schedule (behavioral activation).",
                ),
            ),
            responses=(
                ("Chose the smallest step for each activity; unsure it will help.",),
                ("Noticed for themself that mood follows activity, not the other way round.",),
                ("Plans the week without help and now sets the harder steps.",),
            ),
            homework=(
                "Three scheduled activities, each logged with mood before and after.",
                "Running group on Saturday; one job application.",
            ),
            measure=Measure("Activity log: {n} of 3 planned activities done.", 1, 3, (1, 2, 3)),
        ),
        ObjectiveWords(  # wake time
            reports=(
                ("Client's sleep diary shows getting up after 11 am on most days.",),
                ("Client was up by 8 am on 3 of 7 days, with an alarm across the room.",),
                ("Client was up by 8 am on weekdays this week; the weekend still drifts later.",),
            ),
            setback="Client slept until noon on most days of a low week.",
            methods=(
                (
                    0,
                    "CBT-I: reviewed the sleep diary and kept the fixed wake time; no naps "
                    "after 3 pm.",
                ),
            ),
            responses=(
                ("Agreed to the alarm across the room.",),
                ("Finds the first hour hard but the rest of the day easier.",),
                ("Keeps the wake time on weekdays without the alarm.",),
            ),
            homework=("Up by 8 am every day; sleep diary each morning.",),
            measure=Measure("Up by 8 am on {n} of 7 days.", 1, 5, (1, 3, 5)),
        ),
    ),
    observations=(
        ("Slowed movements, little eye contact, quiet speech; affect constricted and sad.",),
        ("More eye contact and some spontaneous speech; affect less constricted.",),
        ("Bright and animated at times, speech at a normal rate; affect reactive.",),
    ),
    judgements=(
        (
            "Depressive symptoms remain moderate; engaged and attending weekly.",
            "Still withdrawn most days; weekly behavioral activation and CBT remain necessary.",
        ),
        (
            "Partial response: more activity and less self-criticism than at intake.",
            "Improving; the gains follow the activity schedule, which continues.",
        ),
        (
            "Mood has been stable for several weeks; preparing for the end of therapy.",
            "Near remission; relapse-prevention planning has begun.",
        ),
    ),
    risk=_depression_risk,
)

FOLLOW_UPS = (
    "Did the home practice from last session on most days.",
    "Did about half of last session's home practice; evenings were hardest.",
    "Brought last session's log, completed.",
    "Forgot last session's home practice until the weekend; agreed on a phone reminder.",
)
NEXT_SESSION = (
    "Next session in one week.",
    "Continue weekly sessions; next in one week.",
    "Next session in one week; bring the logs.",
)
OUTSIDE_PLAN = (
    "Guided imagery",
    "Introduced guided imagery (a calm-place script) for the minutes before a hard moment; "
    "client rehearsed it once in session.",
)
FINAL_PLAN = (
    "Therapy ends by agreement after today's session; discharge summary to follow with the "
    "relapse-prevention plan."
)


def _anxiety(
    key: str,
    presenting: str,
    history: dict[str, str],
    mental_status: dict[str, str],
    protective: str,
    secondary: tuple[str, str] | None = None,
) -> Presentation:
    """Generalized anxiety with worry about work: the story the demo's sample plan tells."""
    diagnoses: tuple[tuple[str, str], ...] = (("F41.1", "Generalized anxiety disorder"),)
    return Presentation(
        key=key,
        diagnoses=diagnoses + ((secondary,) if secondary else ()),
        presenting_problem=presenting,
        history=history,
        mental_status=mental_status,
        risk={
            "ideation": "no",
            "plan": "no",
            "intent": "no",
            "history": "No past suicide attempts, self-harm or violence.",
            "protective_factors": protective,
            "level": "low",
            "safety_plan": "",
        },
        recommendation={
            "summary": "Generalized anxiety disorder with worry about work, poor sleep and "
            "leaving shifts early; outpatient psychotherapy is indicated.",
            "modality": "Individual cognitive behavioral therapy (CBT) with applied relaxation "
            "and CBT for insomnia",
            "frequency": "Weekly, 53-minute sessions",
            "duration": "About 4 months, with a review at 90 days",
            "referrals": "Primary care to consider a medication evaluation if the GAD-7 has "
            "not fallen by half at 8 weeks.",
        },
    )


GAD_PRESENTATIONS = (
    _anxiety(
        "gad-warehouse",
        "In the client's words: \"Since they reorganised the floor in the spring I can't "
        "switch my brain off. I go over the pick lists at 3 a.m., and I've walked out of four "
        "shifts this month because I was sure I'd made a mistake.\" Referred by primary care "
        "after two visits for tension headaches and poor sleep.",
        {
            "psychiatric": 'First contact with mental-health care. Describes being "a '
            'worrier" since school, manageable until this spring. No past diagnoses, '
            "admissions or psychiatric medication.",
            "medical": "Tension headaches most afternoons; primary care found no other cause. "
            "No chronic conditions. Ibuprofen two or three times a week; no other medication; "
            "no known allergies.",
            "substance_use": "Two or three beers on a Saturday; no binge drinking in the past "
            "year (AUDIT-C 3). Four cups of coffee a day, more on early shifts. No tobacco, "
            "cannabis or other drugs.",
            "family": 'Mother "always anxious", never treated. Father and an older brother '
            "well. No known family history of suicide or substance use.",
            "social": "Shift lead at a regional distribution centre for nine years; lives with "
            "a partner and a teenage stepchild. Has dropped the Saturday football with friends "
            "since June.",
            "trauma": "Denies abuse, assault or serious accidents. Names the reorganisation, "
            "in which two colleagues were let go, as the main stress of the year.",
        },
        {
            "appearance": "Neatly dressed in work clothes, looks the stated age; dark circles "
            "under the eyes.",
            "behavior": "Restless: shifted in the chair and rubbed the back of the neck "
            "throughout; cooperative, good eye contact.",
            "speech": "Normal rate at first, faster and louder when describing work; clear and "
            "coherent.",
            "mood": '"Wound up, all the time."',
            "affect": "Anxious, congruent with mood, full range; brightened talking about the "
            "stepchild's football.",
            "thought_process": "Linear and goal-directed; returns repeatedly to what might go "
            "wrong on the next shift.",
            "thought_content": "Preoccupied with being blamed for errors and losing the job; "
            "no obsessions or delusions; no suicidal or homicidal thoughts.",
            "perception": "No hallucinations reported or observed.",
            "cognition": "Alert, oriented to person, place, date and situation; recalled 3 of "
            "3 words at five minutes; serial sevens without error.",
            "insight": "Good: links the worry to the reorganisation and wants to learn to "
            "manage it.",
            "judgment": "Fair: leaving shifts early eases the worry for the day but puts the "
            "job at risk, which the client recognises.",
        },
        "Partner and stepchild, a steady income, close to a brother, no firearms at home, "
        "looking forward to a planned holiday.",
        ("Z56.6", "Other physical and mental strain related to work"),
    ),
    _anxiety(
        "gad-hospital",
        "In the client's words: \"The new rota came in this spring and I've been on edge "
        "ever since. I lie awake rehearsing handovers and I've gone home early four times "
        "because my chest was tight and I couldn't think.\" Referred by primary care after a "
        "normal cardiac work-up.",
        {
            "psychiatric": "Six sessions of counselling at college for exam anxiety, which "
            "helped. No diagnoses, admissions or psychiatric medication since.",
            "medical": "Chest tightness and stomach upset when worried; a normal ECG and blood "
            "tests in the spring. Asthma in childhood, none since. No regular medication; "
            "allergic to penicillin.",
            "substance_use": "No alcohol for several years, by choice. Two energy drinks on "
            "late shifts. No tobacco or drugs.",
            "family": "A sister treated for panic attacks, now well. Parents well. No known "
            "family history of suicide.",
            "social": "Ward clerk at a community hospital on rotating shifts for six years; "
            "lives alone with a cat, sees their sister weekly, sings in a community choir but "
            "has missed the last month of rehearsals.",
            "trauma": "Denies abuse, assault or accidents. No trauma history reported.",
        },
        {
            "appearance": "Casually dressed, well groomed, looks the stated age.",
            "behavior": "Sat on the edge of the chair, hands clasped tightly; cooperative and "
            "forthcoming; eye contact good.",
            "speech": "Rapid and slightly pressured when describing the rota; normal volume; "
            "coherent.",
            "mood": '"Jumpy, like something bad is about to happen."',
            "affect": "Anxious and tense, congruent; able to laugh at a joke about the cat.",
            "thought_process": "Goal-directed, with some circling back to the same worries "
            "about handovers.",
            "thought_content": "Worries about errors in handovers and about health; no "
            "obsessions or delusions; denies suicidal or homicidal thoughts.",
            "perception": "Denies hallucinations; none observed.",
            "cognition": "Alert and oriented to person, place, date and situation; attention "
            "and recall intact in conversation; recalled 3 of 3 words.",
            "insight": "Good: sees the worry as out of proportion and wants skills for it.",
            "judgment": "Good overall; leaving shifts early is the main unhelpful choice.",
        },
        "Close to a sister, responsible for a pet, the choir, no firearms at home, hopes to "
        "train as a coder next year.",
    ),
    _anxiety(
        "gad-transit",
        "In the client's words: \"Since they changed the routes in the spring I feel like I'm "
        "waiting for the next disaster. I've left four shifts early and I can't sleep before "
        'an early start." Referred by primary care, who found blood pressure raised at two '
        "visits.",
        {
            "psychiatric": "A short course of therapy for low mood after a bereavement ten "
            "years ago, which helped. No psychiatric medication; no admissions.",
            "medical": "Raised blood pressure at two primary care visits, being monitored. "
            "Back pain from long hours seated. Takes no regular medication; no known allergies.",
            "substance_use": 'A glass of wine most evenings "to switch off", more on weekends '
            "(AUDIT-C 4); agrees to track it. No tobacco or drugs.",
            "family": 'Father had "nerves" and drank heavily; mother well. No known family '
            "history of suicide.",
            "social": "Dispatcher at a bus depot for twelve years; married with two children "
            "at primary school. Has stopped the monthly quiz night with friends.",
            "trauma": "Denies abuse or assault. A minor road accident years ago, with no "
            "lasting effects.",
        },
        {
            "appearance": "Tidy, in a depot fleece, looks the stated age; tired-looking.",
            "behavior": "Jiggled a foot through most of the session; cooperative and candid.",
            "speech": "Normal rate and volume, coherent; terse when talking about the new routes.",
            "mood": '"Tense and short with everyone."',
            "affect": "Anxious and irritable, congruent, full range; warm describing the children.",
            "thought_process": "Linear and goal-directed.",
            "thought_content": "Worry about service failures being blamed on dispatch and "
            "about health; no delusions; denies suicidal or homicidal thoughts.",
            "perception": "No hallucinations reported or observed.",
            "cognition": "Alert and fully oriented; recalled 3 of 3 words; attention intact.",
            "insight": "Fair: sees the worry as a problem, less sure the evening wine is part "
            "of it.",
            "judgment": "Fair: open to change; leaving shifts early puts the job at risk.",
        },
        "Spouse and two children, a long-standing job, friends from the quiz team, no "
        "firearms at home, religious faith.",
        ("Z56.3", "Stressful work schedule"),
    ),
)

OTHER_PRESENTATIONS = (
    Presentation(
        key="adjustment",
        diagnoses=(("F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),),
        presenting_problem="In the client's words: \"We moved here in the summer for my "
        "partner's job and I haven't found my feet. I cry most days, I can't settle to "
        'anything and I lie awake worrying about money." Self-referred after seeing the '
        "practice's website.",
        history={
            "psychiatric": "No past mental-health treatment, diagnoses or medication.",
            "medical": "Generally well; migraines a few times a year. Takes a contraceptive "
            "pill; no known allergies.",
            "substance_use": "Alcohol rarely; no tobacco or drugs. Two coffees a day.",
            "family": "Parents and two siblings well, living in the home state. No known "
            "family history of mental illness or suicide.",
            "social": "Left a job as a dental receptionist to move; looking for work. Lives "
            "with a partner; knows no one locally yet. Calls a sibling most evenings.",
            "trauma": "Denies abuse, assault or serious accidents.",
        },
        mental_status={
            "appearance": "Casually dressed, well groomed, looks the stated age.",
            "behavior": "Tearful at times, tissues in hand; cooperative, good eye contact.",
            "speech": "Soft but normal in rate; coherent.",
            "mood": '"Lost and low."',
            "affect": "Sad and anxious, congruent, reactive; smiled talking about home.",
            "thought_process": "Linear and goal-directed.",
            "thought_content": "Worries about money and being alone; no delusions; denies "
            "suicidal or homicidal thoughts.",
            "perception": "No hallucinations reported or observed.",
            "cognition": "Alert and fully oriented; recalled 3 of 3 words; concentration "
            "reduced by worry but intact in session.",
            "insight": "Good: links the low mood to the move.",
            "judgment": "Good: has sought help and is applying for jobs.",
        },
        risk={
            "ideation": "no",
            "plan": "no",
            "intent": "no",
            "history": "No past suicide attempts, self-harm or violence.",
            "protective_factors": "Partner, daily contact with family, hopes of a new job, no "
            "firearms at home.",
            "level": "low",
            "safety_plan": "",
        },
        recommendation={
            "summary": "Adjustment disorder after a move, with low mood, worry and poor sleep; "
            "brief outpatient psychotherapy is indicated.",
            "modality": "Individual cognitive behavioral therapy (CBT) with problem-solving "
            "and behavioral activation",
            "frequency": "Weekly, 53-minute sessions",
            "duration": "About 3 months",
            "referrals": "Local newcomers' group and the county job centre.",
        },
    ),
    Presentation(
        key="ptsd",
        diagnoses=(("F43.10", "Post-traumatic stress disorder, unspecified"),),
        presenting_problem="In the client's words: \"Since the crash last year I can't drive "
        'on the highway, I jump at every horn and I keep waking up from the same dream." '
        "Referred by primary care.",
        history={
            "psychiatric": "No past treatment. Symptoms began within a month of a highway "
            "collision fourteen months ago, in which the client was a passenger.",
            "medical": "Neck injury from the collision, healed. No regular medication; no "
            "known allergies.",
            "substance_use": "Drinks more since the collision, three or four beers most "
            "evenings to sleep (AUDIT-C 6); wants to cut down. No tobacco or drugs.",
            "family": "Parents well; an uncle with alcohol use disorder. No known family "
            "history of suicide.",
            "social": "Works in a print shop; takes two buses to avoid the highway. Lives with "
            "a roommate; still sees friends, but not if it means a drive.",
            "trauma": "The collision, described briefly and without detail at this first "
            "meeting. Denies abuse or assault.",
        },
        mental_status={
            "appearance": "Casually dressed, well groomed, looks the stated age.",
            "behavior": "Sat facing the door; startled at a noise in the corridor; cooperative.",
            "speech": "Normal rate and volume; coherent; quieter when the collision came up.",
            "mood": '"On guard, all the time."',
            "affect": "Anxious and constricted, congruent.",
            "thought_process": "Linear and goal-directed.",
            "thought_content": "Intrusive memories of the collision; avoidance of driving; no "
            "delusions; denies suicidal or homicidal thoughts.",
            "perception": "No hallucinations; denies flashbacks in session.",
            "cognition": "Alert and fully oriented; recalled 3 of 3 words.",
            "insight": "Good: connects the symptoms to the collision.",
            "judgment": "Fair: avoidance and evening drinking are the main concerns.",
        },
        risk={
            "ideation": "no",
            "plan": "no",
            "intent": "no",
            "history": "No past suicide attempts, self-harm or violence.",
            "protective_factors": "Friends, a job they value, a roommate, no firearms at home.",
            "level": "low",
            "safety_plan": "",
        },
        recommendation={
            "summary": "Post-traumatic stress after a road collision, with avoidance and "
            "increased drinking; trauma-focused psychotherapy is indicated.",
            "modality": "Individual cognitive processing therapy, with brief alcohol counselling",
            "frequency": "Weekly, 53-minute sessions",
            "duration": "About 4 months",
            "referrals": "Primary care to follow up on drinking.",
        },
    ),
)

DEPRESSION_PRESENTATION = Presentation(
    key="depression",
    diagnoses=(
        ("F32.1", "Major depressive disorder, single episode, moderate"),
        ("Z56.0", "Unemployment, unspecified"),
    ),
    presenting_problem="In the client's words: \"Since my contract ended in the spring I "
    "can't get going. I sleep till noon, I've stopped seeing people, and some nights I think "
    "it wouldn't matter if I didn't wake up.\" Referred by primary care after a PHQ-9 of 17.",
    history={
        "psychiatric": "One episode of low mood at university, untreated, lasting a few "
        "months. No admissions and no psychiatric medication.",
        "medical": "Well; weight down about 4 kg since the spring. No regular medication; no "
        "known allergies.",
        "substance_use": "Alcohol once or twice a week, one or two drinks; no binges. No "
        "tobacco or drugs.",
        "family": "A grandparent treated for depression. Parents well; one sister, close. No "
        "known family history of suicide.",
        "social": "Laboratory technician until a fixed-term contract ended in the spring; "
        "looking for work. Lives alone; sister lives nearby. Stopped the running group and "
        "sees friends rarely.",
        "trauma": "Denies abuse, assault or serious accidents.",
    },
    mental_status={
        "appearance": "Casually dressed, hair unwashed, looks the stated age.",
        "behavior": "Slowed movements, little eye contact at first, more as the session went "
        "on; cooperative.",
        "speech": "Quiet and slow, with long pauses; coherent.",
        "mood": '"Flat. Nothing."',
        "affect": "Constricted and sad, congruent; a brief smile talking about the sister.",
        "thought_process": "Linear, slowed.",
        "thought_content": 'Self-critical ("useless"), hopeless about work; passive '
        "thoughts of death on some nights, without plan or intent; no delusions; no "
        "homicidal thoughts.",
        "perception": "No hallucinations reported or observed.",
        "cognition": "Alert and fully oriented; recalled 2 of 3 words, the third with a cue; "
        "reports poor concentration.",
        "insight": "Fair: sees the low mood as depression but doubts anything will help.",
        "judgment": "Fair: came to the appointment and accepted a safety plan.",
    },
    risk={
        "ideation": "yes",
        "plan": "no",
        "intent": "no",
        "history": "Passive thoughts of death on some nights over the past month; no past "
        "attempts, self-harm or violence.",
        "protective_factors": "Close to a sister who lives nearby, wants to work again, "
        "a cat, no firearms at home, says they would not want to hurt their family.",
        "level": "low",
        "safety_plan": "Written with the client today. Warning signs: staying in bed all day, "
        'thinking "it wouldn\'t matter". Coping: a walk outside, a shower and the café, '
        "music. People to contact: sister; a friend from the running group. Professional "
        "help: this practice in office hours; the 988 Suicide and Crisis Lifeline at any "
        "time; 911 in an emergency. Means: no firearms at home; the sister keeps the spare "
        "painkillers for now. The client has the plan on their phone.",
    },
    recommendation={
        "summary": "Major depressive disorder, single episode, moderate, after the loss of "
        "work, with passive thoughts of death and low risk; outpatient psychotherapy is "
        "indicated.",
        "modality": "Behavioral activation and individual cognitive behavioral therapy (CBT)",
        "frequency": "Weekly, 53-minute sessions",
        "duration": "About 3 to 4 months",
        "referrals": "Primary care for a medication evaluation if the PHQ-9 has not fallen by "
        "a third at 6 weeks.",
    },
)


def depression_plan(content: Content, day: date) -> Content:
    """The former client's plan: the sample plan's shape and ids, rewritten for depression."""
    body = complete_plan(content, day)
    first, second = body["problems"]

    def later(days: int) -> str:
        return (day + timedelta(days=days)).isoformat()

    body["diagnoses"] = [
        {"code": code, "description": text, "rank": rank, "status": "current"}
        for (code, text), rank in zip(
            DEPRESSION_PRESENTATION.diagnoses, ("primary", "secondary"), strict=True
        )
    ]
    body["background"] = {
        "presenting_problem": "Low mood and withdrawal since a work contract ended in the "
        "spring; referred by primary care.",
        "symptoms": "Depressed mood most days for 5 months, loss of interest, sleeping until "
        "noon, poor concentration, self-criticism and passive thoughts of death without plan "
        "or intent (meets DSM-5-TR criteria for a major depressive episode, moderate).",
        "functional_impact": "Has stopped the job search and the running group, sees friends "
        "rarely and spends most afternoons in bed.",
    }
    body["recommendation"] = {
        **body["recommendation"],
        "modality": "Behavioral activation and individual cognitive behavioral therapy (CBT)",
        "duration": "4 months",
        "medication_evaluation": "Primary care to evaluate medication if the PHQ-9 has not "
        "fallen by a third at 6 weeks.",
        "referrals": "Community running group; the library's job club.",
    }
    body["problems"] = [
        {
            "id": first["id"],
            "statement": "Depressed mood and withdrawal since the job ended.",
            "goal": {
                "statement": "Return to a weekly routine of job search, exercise and time "
                "with others, within 120 days or 15 sessions.",
                "target_date": later(120),
                "target_sessions": 15,
            },
            "objectives": [
                {
                    "id": first["objectives"][0]["id"],
                    "statement": "PHQ-9 falls from 17 to 9 or below within 90 days, checked "
                    "every 2 weeks.",
                    "target_date": later(90),
                    "measure": {"instrument": "PHQ-9", "baseline": 17, "target": 9},
                    "status": "active",
                },
                {
                    "id": first["objectives"][1]["id"],
                    "statement": "Client completes 3 of 3 planned activities a week for 4 "
                    "weeks in a row within 60 days, by activity log.",
                    "target_date": later(60),
                    "measure": None,
                    "status": "active",
                },
            ],
            "interventions": [
                {
                    "modality": "Behavioral activation",
                    "description": "Activity monitoring and weekly scheduling of graded "
                    "activities.",
                    "frequency": "weekly",
                    "who": "clinician",
                },
                {
                    "modality": "CBT",
                    "description": "Cognitive restructuring of self-critical thoughts about "
                    "the job loss.",
                    "frequency": "weekly",
                    "who": "clinician",
                },
            ],
        },
        {
            "id": second["id"],
            "statement": "Sleeping until noon leaves the day without structure.",
            "goal": {
                "statement": "Keep a regular day, up by 8 am, within 90 days.",
                "target_date": later(90),
                "target_sessions": None,
            },
            "objectives": [
                {
                    "id": second["objectives"][0]["id"],
                    "statement": "Client is up by 8 am on at least 5 days a week for 3 weeks "
                    "in a row within 60 days, by sleep diary.",
                    "target_date": later(60),
                    "measure": None,
                    "status": "active",
                }
            ],
            "interventions": [
                {
                    "modality": "CBT-I",
                    "description": "A fixed wake time and no late naps, reviewed weekly.",
                    "frequency": "weekly",
                    "who": "clinician",
                }
            ],
        },
    ]
    return body


# --- the courses of care --------------------------------------------------------------------

OWED = "owed"  # the latest documentable session has no note yet
DRAFT = "draft"  # its note is still a draft


@dataclass
class Course:
    """One client's documents as the loader will write them."""

    client: Client
    presentation: Presentation
    theme: Theme
    intake: Appointment | None
    note_format: NoteFormat = NoteFormat.DAP
    # Attended therapy sessions whose note the rules would accept, with the plan in force.
    sessions: list[tuple[Appointment, PlanVersion]] = field(default_factory=list)
    leave_last: str = ""
    skip_objective: bool = False  # never cite the plan's last objective
    late_hours: int = 0  # one note signed this many hours after its session
    setback: bool = False  # one week goes backwards
    outside_plan: bool = False  # one session uses an intervention the plan does not list
    completes: bool = False  # treatment ends: objectives met, then discharge
    started: date | None = None  # the intake's day, where progress is counted from
    horizon: int = HORIZON_DAYS


def load_notes(practice: Practice, clinician: User, *, seed: int) -> int:
    """Write the demo clinician's intakes, progress notes and one discharge; return how many
    documents were written (signed or left in draft)."""
    today = timezone.localdate()
    caseload = list(practice.clients.filter(primary_clinician=clinician).order_by("record_number"))
    if not caseload:
        return 0
    former = _former_client(practice, clinician, seed=seed, today=today, slot=len(caseload))
    courses = []
    anxious = others = 0
    for client in caseload:
        if not _has_plan(client):
            _plan_if_timely(clinician, client, today)
        if _has_signed_plan(client):
            presentation = GAD_PRESENTATIONS[anxious % len(GAD_PRESENTATIONS)]
            anxious += 1
        else:
            presentation = OTHER_PRESENTATIONS[others % len(OTHER_PRESENTATIONS)]
            others += 1
        courses.append(_course(clinician, client, presentation, ANXIETY))
    _choose_gaps(courses)
    last = _course(clinician, former, DEPRESSION_PRESENTATION, DEPRESSION)
    last.note_format = NoteFormat.SOAP
    last.completes = True
    last.late_hours = 80
    last.outside_plan = True
    if last.started is not None and last.sessions:
        last.horizon = max((_day(last.sessions[-1][0]) - last.started).days, 1)
    courses.append(last)
    written = 0
    for course in courses:
        written += _write(clinician, course, seed=seed)
    written += _discharge(clinician, last)
    return written


def _former_client(
    practice: Practice, clinician: User, *, seed: int, today: date, slot: int
) -> Client:
    """A client seen for about three months and discharged last month, in a weekly slot of
    their own after the current caseload's."""
    number = practice.clients.count() + 1
    payer = Payer.objects.filter(practice=practice, pack="default").order_by("pk").first()
    client = clients.create_client(
        None,
        practice,
        {
            "legal_first_name": "Wren",
            "legal_last_name": "Exampleton",
            "pronouns": "they/them",
            "date_of_birth": date(1988, 3, 9),
            "record_number": f"TL-{number:05d}",
            "email": f"client{number}@example.test",
            "phone": f"555-01{number % 100:02d}",
            "payer": payer,
            "member_id": f"DM{500000 + number}" if payer else "",
            "plan_type": "commercial" if payer else "self_pay",
            "primary_clinician": clinician,
        },
    )
    appointments.load_demo(
        clinician,
        [client],
        seed=seed,
        today=today - timedelta(weeks=FORMER_ENDED_WEEKS_AGO),
        weeks=FORMER_WEEKS,
        upcoming=False,
        first_slot=slot,
    )
    first = _therapy_sessions(client)[:1]
    if first:
        _sign_plan(clinician, client, _day(first[0]), depression_plan)
    return client


def _has_plan(client: Client) -> bool:
    return PlanVersion.objects.filter(plan__client=client).exists()


def _has_signed_plan(client: Client) -> bool:
    return PlanVersion.objects.filter(plan__client=client, status=VersionStatus.SIGNED).exists()


def _plan_if_timely(clinician: User, client: Client, today: date) -> None:
    """A client the demo's plan states left alone gets the sample plan, written in the first
    therapy session after the intake, when the payer's review interval still covers it."""
    first = _therapy_sessions(client)[:1]
    if not first:
        return
    day = _day(first[0])
    if (today - day).days < pack_for(client).review_interval_days:
        _sign_plan(clinician, client, day, complete_plan)


def _sign_plan(
    clinician: User, client: Client, day: date, build: Callable[[Content, date], Content]
) -> PlanVersion:
    version = plans.start_plan(clinician, client, today=day)
    version = plans.save_draft(
        clinician, version, build(version.content, day), lock_version=version.lock_version
    )
    return plans.sign_version(clinician, version, stepped_up_at=timezone.now())


def _attended(client: Client) -> list[Appointment]:
    return list(
        client.appointments.filter(status=SessionStatus.ATTENDED).order_by("scheduled_start", "id")
    )


def _therapy_sessions(client: Client) -> list[Appointment]:
    return [s for s in _attended(client) if s.service not in INTAKE_SERVICES]


def _day(session: Appointment) -> date:
    return timezone.localdate(session.scheduled_start)


def _course(
    clinician: User,
    client: Client,
    presentation: Presentation,
    theme: Theme,
) -> Course:
    attended = _attended(client)
    intake = next((s for s in attended if s.service in INTAKE_SERVICES), None)
    course = Course(
        client=client,
        presentation=presentation,
        theme=theme,
        intake=intake,
        started=_day(intake) if intake else (_day(attended[0]) if attended else None),
    )
    therapy = [s for s in attended if s.service not in INTAKE_SERVICES]
    course.sessions = _documentable(clinician, client, therapy)
    return course


def _documentable(
    clinician: User, client: Client, sessions: list[Appointment]
) -> list[tuple[Appointment, PlanVersion]]:
    """The sessions (in date order) whose note the rules would accept, with the plan a note
    would cite: not those with no signed plan yet, nor under a plan not yet in effect, lapsed
    or past the payer's review.

    The rules decide, on a probe of each kind of session. For one plan version in effect, what
    refuses a note against it (its end, its review, Medicare's year) only grows with the date of
    service, so the sessions it allows come first and bisection finds where they end."""
    groups: dict[tuple[int, bool], list[Appointment]] = {}
    versions: dict[int, PlanVersion] = {}
    # The plan in force changes only on a signed version's effective date: ask once a stretch.
    starts = sorted(
        period.effective
        for version in PlanVersion.objects.filter(plan__client=client, status=VersionStatus.SIGNED)
        if (period := history.plan_period(version)) is not None
    )
    in_force: dict[int, PlanVersion | None] = {}
    for session in sessions:
        stretch = bisect_right(starts, _day(session))
        if stretch not in in_force:
            in_force[stretch] = services.plan_in_force(client, _day(session))
        plan = in_force[stretch]
        if plan is None:
            continue
        period = history.plan_period(plan)
        in_effect = period is not None and period.effective <= _day(session)
        groups.setdefault((plan.pk, in_effect), []).append(session)
        versions[plan.pk] = plan
    allowed = []
    for (pk, _in_effect), group in groups.items():
        plan = versions[pk]
        low, high = 0, len(group)  # the first session refused is in [low, high]
        while low < high:
            middle = (low + high) // 2
            if _refused(clinician, client, group[middle], plan):
                high = middle
            else:
                low = middle + 1
        allowed += [(session, plan) for session in group[:low]]
    return sorted(allowed, key=lambda pair: pair[0].scheduled_start)


def _refused(clinician: User, client: Client, session: Appointment, plan: PlanVersion) -> bool:
    """Whether the rules refuse a note for `session` against `plan`, whatever it says."""
    probe = Note(
        client=client,
        kind=Kind.PROGRESS,
        appointment=session,
        plan_version=plan,
        content=note_content.blank_progress(session, NoteFormat.DAP),
        author=clinician,
        updated_by=clinician,
    )
    found = checks.check(probe, today=_day(session), prospective_signer=clinician)
    return bool({f.code for f in found.blocking} & PLAN_BLOCKS)


def _choose_gaps(courses: list[Course]) -> None:
    """The gaps a caseload has, given to the clients whose sessions can be documented."""
    documented = sorted(
        (c for c in courses if c.sessions), key=lambda c: (-len(c.sessions), c.client.record_number)
    )
    for rank, course in enumerate(documented):
        course.note_format = FORMATS[rank % len(FORMATS)]
        if rank == 0:
            course.leave_last, course.late_hours = OWED, 30
            course.setback = course.outside_plan = True
        elif rank == 1:
            course.leave_last, course.skip_objective = OWED, True
        elif rank == 2:
            course.leave_last = DRAFT


# --- writing --------------------------------------------------------------------------------


def _write(clinician: User, course: Course, *, seed: int) -> int:
    rng = random.Random(f"{seed}:{course.client.record_number}")
    written = 0
    if course.intake is not None:
        _write_intake(clinician, course, course.intake, rng)
        written += 1
    total = len(course.sessions)
    late_at = total // 2 if course.late_hours < 48 else total // 3
    for number, (session, plan) in enumerate(course.sessions):
        last = number == total - 1
        if last and course.leave_last == OWED:
            break
        note = services.start_note(clinician, session, note_format=course.note_format)
        start, stop = _clock(session, rng)
        body = _progress(course, note, plan, number, total, start, stop, rng)
        note = services.save_draft(clinician, note, body, lock_version=note.lock_version)
        written += 1
        if last and course.leave_last == DRAFT:
            break
        late = course.late_hours and number == late_at
        delay = timedelta(hours=course.late_hours, minutes=17) if late else _same_day(rng)
        _sign(clinician, note, stop + delay)
    return written


def _write_intake(
    clinician: User, course: Course, session: Appointment, rng: random.Random
) -> None:
    note = services.start_note(clinician, session)
    start, stop = _clock(session, rng)
    told = course.presentation
    release = load_default().release
    body = {
        **note.content,
        "session": _session(note.content, start, stop),
        "presenting_problem": told.presenting_problem,
        "history_areas": dict(told.history),
        "mental_status_exam": dict(told.mental_status),
        "risk": dict(told.risk),
        "diagnoses": [
            {
                "code": code,
                "description": text,
                "release": release,
                "rank": "primary" if index == 0 else "secondary",
                "status": "current",
            }
            for index, (code, text) in enumerate(told.diagnoses)
        ],
        "recommendation": dict(told.recommendation),
    }
    note = services.save_draft(clinician, note, body, lock_version=note.lock_version)
    _sign(clinician, note, stop + _same_day(rng))


def _clock(session: Appointment, rng: random.Random) -> tuple[datetime, datetime]:
    """When the session really ran: a few minutes after the booked start, for long enough that
    the time supports the code (53 minutes or more for most, 38 to 52 for some)."""
    start = timezone.localtime(session.scheduled_start) + timedelta(minutes=rng.randint(0, 6))
    if session.service in INTAKE_SERVICES:
        minutes = rng.randint(55, 62)
    elif rng.random() < 0.25:
        minutes = rng.randint(40, 50)
    else:
        minutes = rng.randint(53, 57)
    return start, start + timedelta(minutes=minutes)


def _same_day(rng: random.Random) -> timedelta:
    return timedelta(hours=rng.randint(1, 5), minutes=rng.randint(0, 59))


def _session(content: Content, start: datetime, stop: datetime) -> Content:
    session = dict(content["session"])
    session["start"], session["stop"] = f"{start:%H:%M}", f"{stop:%H:%M}"
    if session.get("telehealth"):
        session["hipaa_platform_attested"] = True
    return session


def _sign(clinician: User, note: Note, moment: datetime) -> Note:
    """Sign as the clinician did at `moment` (never later than now). In UTC, as a signature
    made on the day holds it: its record's HMAC covers the time as stored."""
    moment = min(moment.astimezone(UTC), timezone.now())
    return services.sign_note(clinician, note, stepped_up_at=moment, now=moment)


def _stage(progress: float) -> int:
    return 0 if progress < 0.25 else 1 if progress < 0.6 else 2


def _rating(progress: float, completes: bool) -> ProgressRating:
    if progress >= (0.9 if completes else 0.95):
        return ProgressRating.MET
    return (
        ProgressRating.NO_CHANGE,
        ProgressRating.SOME_PROGRESS,
        ProgressRating.SIGNIFICANT_PROGRESS,
    )[_stage(progress)]


def _cited(count: int, number: int) -> list[int]:
    """Which objectives (by position) a session works on: one or two, in rotation, so every
    objective comes up within any four sessions running."""
    first = number % count
    if count > 1 and number % 2 == 0:
        return [first, (first + 1) % count]
    return [first]


# How far behind the first objective each later one moves, as a share of the course.
LAG = (0.0, 0.08, 0.25)


def _progress(
    course: Course,
    note: Note,
    plan: PlanVersion,
    number: int,
    total: int,
    start: datetime,
    stop: datetime,
    rng: random.Random,
) -> Content:
    """A complete progress note for the session: objectives cited and rated, what was done,
    how the client responded, the risk status and the plan the next note carries forward."""
    theme = course.theme
    day = start.date()
    elapsed = (day - (course.started or day)).days / course.horizon
    # The plan's objectives with their words, in plan order; a plan longer than the words has
    # its extra objectives left to the clinician.
    pairs = list(zip(checks.plan_objectives(plan), theme.objectives, LAG, strict=False))
    usable = pairs[:-1] if course.skip_objective and len(pairs) > 1 else pairs
    final = course.completes and number == total - 1
    chosen = range(len(usable)) if final else _cited(len(usable), number)
    setback = course.setback and number == total // 3 and number > 0
    reports: list[str] = []
    methods: list[str] = []
    responses: list[str] = []
    homework: list[str] = []
    observed: list[str] = []  # the logs and scores reviewed
    lead = elapsed  # how far along the session's main objective is
    cited: list[Content] = []
    interventions: list[Content] = []
    for order, position in enumerate(chosen):
        objective, words, lag = usable[position]
        progress = elapsed - lag
        worse = setback and order == 0
        rating = ProgressRating.WORSE if worse else _rating(progress, course.completes)
        measured = progress - 0.3 if worse else progress
        comment = words.measure.at(measured, rng)
        reports.append(words.setback if worse else rng.choice(words.reports[_stage(progress)]))
        which, method = rng.choice(words.methods)
        methods.append(method)
        responses.append(rng.choice(words.responses[_stage(progress)]))
        homework.append(rng.choice(words.homework))
        observed.append(comment)
        if order == 0:
            lead = measured
        cited.append({"objective_id": objective.id, "rating": rating.value, "comment": comment})
        done = objective.interventions[min(which, len(objective.interventions) - 1)]
        if all(item["description"] != done for item in interventions):
            interventions.append({"description": done, "in_plan": True})
    if course.outside_plan and number == max(total // 2 - 1, 0):
        interventions.append({"description": OUTSIDE_PLAN[0], "in_plan": False})
        methods.append(OUTSIDE_PLAN[1])
    if number:
        reports.append(rng.choice(FOLLOW_UPS))
    observed.insert(0, rng.choice(theme.observations[_stage(lead)]))
    judged = rng.choice(theme.judgements[_stage(lead)])
    next_plan = FINAL_PLAN if final else " ".join([*homework, rng.choice(NEXT_SESSION)])
    flagged, risk = theme.risk(elapsed, rng)
    return {
        **note.content,
        "session": _session(note.content, start, stop),
        "format": course.note_format.value,
        "sections": _sections(
            course.note_format, reports, observed, methods, [*responses, judged], next_plan
        ),
        "objectives": cited,
        "interventions": interventions,
        "risk_flag": flagged,
        "risk_assessment": risk,
    }


def _sections(
    note_format: NoteFormat,
    reports: list[str],
    observed: list[str],
    methods: list[str],
    assessed: list[str],
    plan: str,
) -> dict[str, str]:
    """The same session in the headings of each format."""
    said, seen, done, judged = (" ".join(part) for part in (reports, observed, methods, assessed))
    if note_format is NoteFormat.SOAP:
        return {
            "subjective": said,
            "objective": seen,
            "assessment": f"{done} {judged}",
            "plan": plan,
        }
    if note_format is NoteFormat.BIRP:
        return {
            "behavior": f"{said} {seen}",
            "intervention": done,
            "response": judged,
            "plan": plan,
        }
    return {"data": f"{said} {seen} {done}", "assessment": judged, "plan": plan}


def _discharge(clinician: User, course: Course) -> int:
    """The former client's discharge summary, written a few days after the last session."""
    if not course.sessions:
        return 0
    ended = _day(course.sessions[-1][0]) + timedelta(days=3)
    note = services.start_discharge(clinician, course.client, today=ended)
    latest: dict[str, tuple[str, Content]] = {}  # objective id -> (date of service, progress)
    signed = Note.objects.filter(client=course.client, kind=Kind.PROGRESS, status=NoteStatus.SIGNED)
    for progress_note in signed:
        day = progress_note.content["session"]["date_of_service"]
        for item in progress_note.content.get("objectives") or []:
            if item["objective_id"] not in latest or latest[item["objective_id"]][0] < day:
                latest[item["objective_id"]] = (day, item)
    outcomes = []
    for objective in checks.plan_objectives(note.plan_version):
        day, item = latest.get(objective.id, ("", {}))
        met = item.get("rating") == ProgressRating.MET
        summary = (
            "Met, and held to the end of treatment."
            if met
            else "Improved but short of the target; part of the relapse-prevention plan."
        )
        if item:
            summary += f" Last rated on {day}: {item['comment']}"
        outcomes.append(
            {
                "objective_id": objective.id,
                "status": "met" if met else "partly met",
                "summary": summary,
            }
        )
    body = {
        **note.content,
        "reason": "Treatment goals met. Mood has been stable for over a month, the client is "
        "back to a weekly routine of job search, running and time with family, and has started "
        "part-time work; client and clinician agreed to end weekly therapy after a planned "
        "final session.",
        "outcomes": outcomes,
        "aftercare": "Relapse-prevention plan written with the client: early warning signs "
        '(sleeping past 9, cancelling plans, the "I\'m useless" thought), the steps that '
        "helped (the activity schedule, the running group, a thought record) and who to "
        "contact. Referrals: primary care to repeat the PHQ-9 at the next annual visit; the "
        "community running group and the library's job club to continue. The safety plan "
        "stays on the client's phone (sister, the practice, 988). The client may return at "
        "any time; a new intake opens a new episode.",
    }
    note = services.save_draft(clinician, note, body, lock_version=note.lock_version)
    _sign(clinician, note, timezone.make_aware(datetime.combine(ended, time(16, 40))))
    return 1
