#!/bin/sh
echo "Prisma's schema engine is not installed here: Concierge applies prisma/migrations itself (npm start, npm test)." >&2
exit 1
