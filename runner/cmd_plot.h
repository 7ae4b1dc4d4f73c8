/*
 * cmd_plot.h: kmbench plot, the figures of a store drawn by gnuplot
 * with the scripts of plots/ (docs/plots.md).
 */
#ifndef KM_CMD_PLOT_H
#define KM_CMD_PLOT_H

int	cmd_plot(int argc, char **argv);

/* The directory of the gnuplot scripts: $KMBENCH_PLOTS, else plots/
 * beside the kmbench binary, else ./plots. */
const char *plots_dir(void);

/* mkdir -p PATH (mode 0777 less the umask): 0, or -1 with errno. */
int	plot_mkdirs(const char *path);

#endif /* KM_CMD_PLOT_H */
