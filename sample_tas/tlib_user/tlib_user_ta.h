/*
 * tlib_user sample TA: uses a TA shared library linked at build time
 * (DT_NEEDED tlib) and one loaded at run time (dlopen of tlib_dl).
 *
 * UUID e8145c42-7ce6-4f9b-93d4-96ea479fcac4, flags 0
 *
 * 0 CHECKSUM  p0 MI, p1 VO (tlib_checksum, tlib_version)
 * 1 COUNT     p0 VO a = tlib_count()
 * 2 DL_CALL   p0 VIO in a = x; out a = tlib_dl_scale(x), b = tlib_dl_count()
 *             (dlopen of tlib_dl, dlsym of both functions, dlclose)
 * 3 DL_MISSING p0 VO a = 1 if dlsym of a name no module defines gives NULL,
 *             b = 1 if dlopen of a UUID no library has gives NULL
 */
#ifndef TLIB_USER_TA_H
#define TLIB_USER_TA_H

#define TLIB_USER_UUID_STR "e8145c42-7ce6-4f9b-93d4-96ea479fcac4"

#define TLIB_USER_CMD_CHECKSUM		0
#define TLIB_USER_CMD_COUNT		1
#define TLIB_USER_CMD_DL_CALL		2
#define TLIB_USER_CMD_DL_MISSING	3

#endif
