using Microsoft.Extensions.Options;
using Pamoja.Web.Integrations.Mpesa;

namespace Pamoja.Web.Features.Payments;

/// Registers the paybill's C2B validation and confirmation URLs with Daraja once at start-up,
/// when asked to (Payments:RegisterPaybillOnStartup; ./pamoja run does for the demo). In
/// production the registration is a one-time step (Daraja refuses a second one), so leave it off
/// there and register once by hand. ResponseType "Completed": if validation cannot be reached, a
/// member's deposit is still taken; its confirmation is recorded, or listed for a person.
public sealed class PaybillRegistration(IServiceProvider services, IOptions<PaymentOptions> payments, IConfiguration configuration,
    PaymentGateways gateways, CallbackTokens tokens, ILogger<PaybillRegistration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!payments.Value.RegisterPaybillOnStartup) return;
        if (services.GetService<DarajaClient>() is not { } daraja || string.IsNullOrWhiteSpace(configuration["Mpesa:C2bShortCode"] ?? services.GetService<IOptions<MpesaOptions>>()?.Value.C2bShortCode))
        {
            logger.LogWarning("Payments:RegisterPaybillOnStartup is set but M-Pesa or its C2B short code is not configured");
            return;
        }
        var callbacks = gateways.CallbackBase;
        var token = Uri.EscapeDataString(await tokens.ForPaybillAsync(stoppingToken));
        // A few tries: in the demo the sandbox may still be starting.
        for (var attempt = 1; attempt <= 10 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var reply = await daraja.RegisterC2bUrlsAsync(new Uri(callbacks, "webhooks/mpesa/c2b/confirmation?k=" + token),
                    new Uri(callbacks, "webhooks/mpesa/c2b/validation?k=" + token), "Completed", stoppingToken);
                if (reply.Kind == DarajaReplyKind.Answered)
                {
                    logger.LogInformation("Registered the paybill's C2B URLs with M-Pesa: {Code} {Message}", reply.Field("ResponseCode"),
                        reply.Field("ResponseDescription"));
                    return;
                }
                logger.LogWarning("M-Pesa did not register the paybill's C2B URLs (try {Attempt}): {Kind} {Code} {Message}", attempt, reply.Kind,
                    reply.ErrorCode, reply.ErrorMessage ?? reply.Detail);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not register the paybill's C2B URLs with M-Pesa (try {Attempt})", attempt);
            }
            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
        }
    }
}
