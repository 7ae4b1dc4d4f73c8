/*
 * cmd_convert.h: kmbench convert, between the text and binary forms.
 */
#ifndef KM_CMD_CONVERT_H
#define KM_CMD_CONVERT_H

int	cmd_convert(int argc, char **argv);

#endif /* KM_CMD_CONVERT_H */
