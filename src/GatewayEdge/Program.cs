// Standalone gateway process: joins a cluster as an Orleans client. Filled in with the gateway services.
return 0;
