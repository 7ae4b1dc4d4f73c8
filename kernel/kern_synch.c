/*
 * kern_synch.c: tsleep() for the simulated kernel (see kern_synch.h).
 */
#include "kern_proc.h"
#include "kern_synch.h"
#include "machine.h"

int
tsleep(struct machine *m, const char *wmesg)
{

	if (m->m_curproc == NULL)
		return machine_panic(m, "tsleep: sleep on %s in interrupt "
		    "context", wmesg);
	m->m_curproc->p_wmesg = wmesg;
	return ESLEEP;
}
