#!/bin/bash
# The walkthrough's editor: the first edit adds R-001 under the Risks header, later ones move its Due date a month on.
f="$1"
if ! grep -q '^| R-001 |' "$f"; then
  python3 - "$f" <<'PY'
import sys
p=sys.argv[1]; lines=open(p).read().split('\n'); out=[]; seen=False
for l in lines:
    out.append(l)
    if l.startswith('## Risks'): seen=True
    if seen and l.startswith('| --- '):
        out.append('| R-001 | Supplier delay | Schedule | 3 | 4 | 12 | Reduce | Second supplier | ann@example.com | 2026-03-15 | Open |'); seen=False
open(p,'w').write('\n'.join(out))
PY
else
  python3 - "$f" <<'PY'
import sys,re
p=sys.argv[1]; t=open(p).read()
m=re.search(r'2026-0(\d)-15',t); t=t.replace(m.group(0),'2026-0%d-15'%(int(m.group(1))+1),1); open(p,'w').write(t)
PY
fi
