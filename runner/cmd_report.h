/*
 * cmd_report.h: kmbench report, the summary of a store a proposal
 * for PR kern/14721 needs, as plain text or Markdown.
 */
#ifndef KM_CMD_REPORT_H
#define KM_CMD_REPORT_H

int	cmd_report(int argc, char **argv);

#endif /* KM_CMD_REPORT_H */
