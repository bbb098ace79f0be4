/* api_monitoring.h: GET /api/monitoring (api_monitoring.c), kept out of serve.h so the route
 * needs only this line and the route table's. */
#ifndef CS_SERVE_API_MONITORING_H
#define CS_SERVE_API_MONITORING_H

#include "serve.h"

/* Realised against planned (issue 13): the status rows and charts of the run's actuals, as the
 * report's monitoring section shows them; 404 when the run has none. */
enum MHD_Result cs_sv_api_monitoring(cs_sv_req *rq);

#endif
