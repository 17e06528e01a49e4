global using Microsoft.Extensions.Logging;
global using Microsoft.AspNetCore.Builder;
