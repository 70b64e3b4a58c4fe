/* HAVE_HRTIMER_SETUP: hrtimer_setup() sets the callback, which is private (6.13; hrtimer_init() gone) */
#include <linux/hrtimer.h>

static enum hrtimer_restart probe_fire(struct hrtimer *timer)
{
	return HRTIMER_NORESTART;
}

void probe(struct hrtimer *timer);
void probe(struct hrtimer *timer)
{
	hrtimer_setup(timer, probe_fire, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
