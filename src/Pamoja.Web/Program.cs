using Pamoja.Web;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Features.Channels;
using Pamoja.Web.Features.Dashboards;
using Pamoja.Web.Features.Demo;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Ledger;
using Pamoja.Web.Features.Health;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Features.Shared.Localization;

// `Pamoja.Web.dll [verb] [ASP.NET Core options]`: no verb serves the app; `migrate` and
// `seed-demo` do their one job and exit (see Cli/PamojaCli.cs and ./pamoja help).
var (verb, hostArgs) = PamojaCli.SplitVerb(args);

var builder = WebApplication.CreateBuilder(hostArgs);
builder.AddPamojaHost();
builder.AddData();
builder.AddHealth();
builder.AddNotifications();
builder.AddAccounts();
builder.AddGroups();
builder.AddLedger();
builder.AddSchedules();
builder.AddPayments();
builder.AddChannels();
builder.AddDemo();
builder.AddDashboards();
builder.AddPageLanguages();

var app = builder.Build();
app.UsePamojaPipeline();
app.MapPageLanguages();
app.MapHealth();
app.MapAccountsApi();
app.MapGroupFeatures();
app.MapEngineAdminApi();
app.MapPaymentsApi();
app.MapPaymentWebhooks();
app.MapChannelWebhooks();
app.MapRazorPages();

return await PamojaCli.RunAsync(app, verb, hostArgs);

public partial class Program;
