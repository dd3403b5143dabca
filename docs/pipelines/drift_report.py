"""Turn the output of `ansible-playbook site.yml --check --diff` into a Markdown drift report.

Usage:
  python3 drift_report.py drift.txt > drift.md                  the report (GitHub: a PR comment, the job summary)
  python3 drift_report.py drift.txt --gitlab-note               post it as a note of the GitLab merge request
      (needs GITLAB_API_TOKEN, a token with the api scope; CI_API_V4_URL, CI_PROJECT_ID and
      CI_MERGE_REQUEST_IID are set by GitLab in merge request pipelines)
"""

import json
import os
import re
import sys
import urllib.request

LIMIT = 60000  # GitLab notes and GitHub comments take about 1,000,000 and 65,536 characters


def changed_tasks(output):
    """The names of the tasks that reported changed (ansible.cfg hides the others)."""
    tasks, current = [], None
    for line in output.splitlines():
        match = re.match(r'^TASK \[(.*)\] \**$', line)
        if match:
            current = match.group(1)
        elif line.startswith('changed: ') and current and current not in tasks:
            tasks.append(current)
    return tasks


def recap(output):
    return output.split('PLAY RECAP', 1)[1] if 'PLAY RECAP' in output else ''


def report(output):
    failed = sum(int(n) for n in re.findall(r'\b(?:failed|unreachable)=(\d+)', recap(output)))
    tasks = changed_tasks(output)
    if failed or not recap(output):
        title = 'The check run failed: nothing can be said about drift'
    elif tasks:
        title = '%d task(s) would change BMC Helix: %s' % (len(tasks), ', '.join(tasks))
    else:
        title = 'No drift: BMC Helix matches users.yml'
    body = output if len(output) <= LIMIT else '[... cut ...]\n' + output[-LIMIT:]
    return '### %s\n\n<details><summary>ansible-playbook --check --diff</summary>\n\n```diff\n%s\n```\n</details>\n' % (
        title, body.strip().replace('```', "'''"))


def gitlab_note(text):
    url = '%s/projects/%s/merge_requests/%s/notes' % (
        os.environ['CI_API_V4_URL'], os.environ['CI_PROJECT_ID'], os.environ['CI_MERGE_REQUEST_IID'])
    request = urllib.request.Request(url, data=json.dumps({'body': text}).encode(), method='POST', headers={
        'PRIVATE-TOKEN': os.environ['GITLAB_API_TOKEN'], 'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def main(argv):
    with open(argv[1], encoding='utf-8') as handle:
        text = report(handle.read())
    if '--gitlab-note' in argv[2:]:
        gitlab_note(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
