#!/bin/sh
# Buy two seats side by side with nothing but the `boxoffice` command: find an event, pick two
# free seats next to each other in one row, hold them, and pay with the test card.
#
#   export BOXOFFICE_SERVER=http://127.0.0.1:8000
#   export BOXOFFICE_TOKEN="$(boxoffice token alice)"
#   sh docs/examples/buy-two-seats.sh [QUERY]      # QUERY: search words; none = the next event
#
# It stops at the first failure with that command's exit code (2 usage, 3 not found,
# 4 seats taken, 5 card declined, 6 server unavailable); the command says why on stderr.
# Each command's output is kept in a variable before parsing, so that its exit code is the
# one the script ends with (a pipeline would report the parser's instead).
set -eu

query="${1:-}"
json_field() {  # json_field KEY < document: one top-level field, as text
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# 1. The best match: search prints one event per line; --limit 1 stops after the first.
event=$(boxoffice events search "$query" --limit 1 --json)
if [ -z "$event" ]; then
    echo "no upcoming event matches '$query'" >&2
    exit 3
fi
event_id=$(printf '%s\n' "$event" | json_field eventID)
echo "Event $event_id: $(printf '%s\n' "$event" | json_field title)"

# 2. Two free seats side by side, from every ticket's status; seat IDs are never ambiguous.
detail=$(boxoffice events show "$event_id" --json)
seats=$(printf '%s\n' "$detail" | python3 -c '
import json, sys
free = {}
for t in json.load(sys.stdin)["tickets"]:
    if t["ticketStatus"] == "AVAILABLE" and t["row"] and t["seatNumber"].isdigit():
        free[t["section"], t["row"], int(t["seatNumber"])] = t["seatID"]
for (section, row, number), seat in free.items():
    if (section, row, number + 1) in free:
        print(seat, free[section, row, number + 1])
        break
')
if [ -z "$seats" ]; then
    echo "event $event_id has no two free seats side by side" >&2
    exit 4
fi

# 3. Hold them for a few minutes, both or neither, and keep the booking ID.
# shellcheck disable=SC2086  # two seat IDs, split on purpose
held=$(boxoffice hold "$event_id" $seats --json)
booking=$(printf '%s\n' "$held" | json_field bookingID)
echo "Held $seats as booking $booking"

# 4. Pay with the processor's test card (expiry and CVC are filled in for test cards).
boxoffice pay "$booking" --card 4242424242424242
