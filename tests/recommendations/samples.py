"""A small, valid review file for a council other than Southampton, and ways to break it."""

import textwrap

VALID = textwrap.dedent(
    """\
    format: review-tracker/1
    organisation:
      slug: testshire
      name: Testshire County Council
    review:
      slug: cpc-2015
      kind: corporate-peer-challenge
      title: Corporate Peer Challenge 2015
      conducted_by: Local Government Association
      started_on: 2015-03-02
      ended_on: 2015-03-05
      published_on: 2015-05-01
      summary: |
        A good council with a clear vision.
        It needs to plan further ahead.
      peer_team:
        - name: Pat Example
          role: Chief Executive, Elsewhere Council
      themes:
        - key: finance
          title: Financial planning and viability
          question: Does the council have a financial plan?
        - key: capacity
          title: Capacity to deliver
      milestones:
        - title: Follow-up visit
          due: 2017-03-05
      risks:
        - title: Savings not delivered
          description: Planned savings slip.
          likelihood: high
          impact: medium
          mitigation: Monthly monitoring.
    leads:
      - name: Finance Board
        kind: body
      - name: Jo Bloggs
        role: Director of Finance
        kind: person
    recommendations:
      - number: "1"
        title: Plan further ahead
        text: Plan further ahead with a medium term financial strategy.
        themes: [finance]
        response:
          stance: accepted
          text: We agree.
          incorporated: In the budget.
          responded_on: 2015-06-01
        actions:
          - ref: "1-a"
            text: Write a medium term financial strategy
            leads: [Jo Bloggs, Finance Board]
            owner: Jo Bloggs
            timescale: By March 2016
            due: 2016-03-31
            status: in-progress
            rag: amber
            support: LGA finance adviser
            updates:
              - on: 2015-09-30
                status: in-progress
                rag: green
                note: Draft written.
                author: Jo Bloggs
                source: Cabinet report
      - number: "2"
        title: Build capacity
        text: Build capacity to deliver.
        themes: [capacity, finance]
        parts:
          - number: "2.1"
            text: Invest in digital
            actions:
              - ref: "2.1-a"
                text: Buy a new case management system
                leads: [Sam Newname]
                timescale: Ongoing
    """
)

LATER = textwrap.dedent(
    """\
    format: review-tracker/1
    organisation:
      slug: testshire
      name: Testshire County Council
    review:
      slug: cpc-2019
      kind: corporate-peer-challenge
      started_on: 2019-03-04
      previous: cpc-2015
    recommendations:
      - number: "1"
        text: Keep planning ahead.
        follows:
          - review: cpc-2015
            recommendation: "1"
            relation: recurs
            assessment: Progress was slow.
            quote: "Progress was slow."
    """
)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line containing `needle`."""
    matches = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(matches) == 1, f"{needle!r} found on lines {matches}"
    return matches[0]


def replace_line(text: str, needle: str, new_line: str) -> str:
    """Replace the only line containing `needle`, keeping its indentation."""
    number = line_of(text, needle)
    lines = text.splitlines()
    indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
    lines[number - 1] = indent + new_line
    return "\n".join(lines) + "\n"
