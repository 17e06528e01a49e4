using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Pamoja.Web.Data;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts;

public static class AccountsModule
{
    /// API endpoints (operator ones too) authenticate with bearer tokens only: a cookie must never
    /// authorise an API call, or any site could make a signed-in browser move money (CSRF).
    public const string ApiPolicy = "api";
    public const string OperatorPolicy = "operator";

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Accounts");
        builder.Services.Configure<AccountOptions>(section);
        var options = section.Get<AccountOptions>() ?? new AccountOptions();
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection("RateLimits"));

        builder.Services.AddIdentityCore<AppUser>(o =>
            {
                o.User.AllowedUserNameCharacters = "+0123456789";
                o.User.RequireUniqueEmail = false; // optional, so uniqueness is a partial index in SQL
                o.Password.RequiredLength = options.MinimumPasswordLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = options.LockoutThreshold;
                o.Lockout.DefaultLockoutTimeSpan = options.LockoutDuration;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddPasswordValidator<CommonPasswordValidator>();

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = options.BearerTokenLifetime)
            .AddIdentityCookies();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "pamoja.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.SessionIdleTimeout; // idle timeout: sliding renews it on use
            o.SlidingExpiration = true;
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/denied";
        });
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.BearerScheme).RequireAuthenticatedUser())
            // Operator endpoints are API endpoints: bearer only, like ApiPolicy.
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.BearerScheme)
                .RequireAuthenticatedUser().RequireRole(Roles.Operator));

        builder.Services.AddSingleton<AuthThrottle>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddScoped<AccountLookup>();
        builder.Services.AddScoped<RegisterAccount>();
        builder.Services.AddScoped<CheckCredentials>();
        builder.Services.AddScoped<RequestPasswordReset>();
        builder.Services.AddScoped<ConfirmPasswordReset>();
        builder.Services.AddScoped<TwoFactor>();
        builder.Services.AddHostedService<EnsureOperatorAccount>();
        return builder;
    }
}

/// PAMOJA_OPERATOR_PHONE + PAMOJA_OPERATOR_PASSWORD: after start-up that platform operator
/// exists. The password is used only when the account is created; later changes go through
/// password reset like anyone else's, so an old value left in an env file cannot undo them.
public sealed class EnsureOperatorAccount(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<EnsureOperatorAccount> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var phone = configuration["PAMOJA_OPERATOR_PHONE"];
        var password = configuration["PAMOJA_OPERATOR_PASSWORD"];
        if (string.IsNullOrWhiteSpace(phone) || string.IsNullOrWhiteSpace(password))
            return;

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await scope.ServiceProvider.GetRequiredService<AccountLookup>().FindByLoginAsync(phone);
        if (user is null)
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<RegisterAccount>()
                .HandleAsync(new RegisterRequest(phone, "Platform operator", password, null));
            if (outcome is not RegisterOutcome.Created created)
                throw new InvalidOperationException("PAMOJA_OPERATOR_PHONE/PAMOJA_OPERATOR_PASSWORD were refused: " +
                    (outcome is RegisterOutcome.Invalid i ? string.Join(" ", i.Errors.ToDictionary().SelectMany(e => e.Value)) : "already registered"));
            user = created.User;
            logger.LogInformation("Created the platform operator account {UserId}", user.Id);
        }
        if (!await users.IsInRoleAsync(user, Roles.Operator))
            await users.AddToRoleAsync(user, Roles.Operator);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
