using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts;

public sealed record TokenRequest(string? Login, string? Password, string? Code);
public sealed record PasswordResetRequest(string? Login);
public sealed record PasswordResetConfirmRequest(string? Login, string? Token, string? NewPassword);
public sealed record TwoFactorCodeRequest(string? Code);
public sealed record RefreshRequest(string? RefreshToken);
/// PhoneConfirmed: the phone number has been proven by a code or link sent to it by SMS (a
/// password reset, an accepted invitation); registration alone does not prove it yet.
public sealed record MeResponse(Guid Id, string Phone, string FullName, string? Email, bool TwoFactorEnabled, bool PhoneConfirmed);

/// api.md § Accounts.
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts");
        auth.MapPost("/register", Register);
        auth.MapPost("/token", Token);
        auth.MapPost("/refresh", Refresh);
        auth.MapPost("/password-reset", RequestReset);
        auth.MapPost("/password-reset/confirm", ConfirmReset);

        var me = app.MapGroup("/api/v1/me").WithTags("Accounts").RequireAuthorization(AccountsModule.ApiPolicy);
        me.MapGet("", Me);
        me.MapPost("/2fa/setup", SetupTwoFactor);
        me.MapPost("/2fa/enable", EnableTwoFactor);
        me.MapPost("/2fa/disable", DisableTwoFactor);
        return app;
    }

    private static async Task<IResult> Register(RegisterRequest body, HttpContext http, RegisterAccount register, AuthThrottle throttle) =>
        throttle.TryAcquire(AuthAction.Register, http, null) is { } wait
            ? AuthThrottle.TooManyRequests(http, wait)
            : await register.HandleAsync(body) switch
        {
            RegisterOutcome.Created c => Results.Created($"/api/v1/me", new { id = c.User.Id }),
            RegisterOutcome.AlreadyRegistered a => ApiProblems.Status(StatusCodes.Status409Conflict, "Already registered",
                a.Field == "email" ? "An account with this email already exists." : "An account with this phone number already exists. Sign in or reset your password."),
            RegisterOutcome.Invalid i => i.Errors.ToProblem(),
            _ => throw new InvalidOperationException(),
        };

    private static async Task<IResult> Token(TokenRequest body, HttpContext http, CheckCredentials check, AuthThrottle throttle, SignInManager<AppUser> signIn)
    {
        var errors = new FieldErrors();
        var login = errors.Text("login", body.Login, AccountLookup.MaxLoginLength);
        if (string.IsNullOrEmpty(body.Password)) errors.Add("password", "Password is required.");
        else if (body.Password.Length > RegisterAccount.MaxPassword) errors.Add("password", "Password is too long.");
        if (body.Code is { Length: > 16 }) errors.Add("code", "Code is too long.");
        if (errors.Any) return errors.ToProblem();

        if (throttle.TryAcquire(AuthAction.SignIn, http, login) is { } wait)
            return AuthThrottle.TooManyRequests(http, wait);

        switch (await check.HandleAsync(login!, body.Password!, body.Code))
        {
            case CredentialOutcome.Valid v:
                var principal = await signIn.CreateUserPrincipalAsync(v.User);
                return Results.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
            case CredentialOutcome.LockedOut l:
                AuthThrottle.SetRetryAfter(http, l.RetryAfter);
                return ApiProblems.Status(StatusCodes.Status423Locked, "Account locked",
                    "Too many failed sign-ins. The account is locked for a while; try later or reset your password.");
            case CredentialOutcome.TwoFactorRequired:
                return ApiProblems.Status(StatusCodes.Status401Unauthorized, "Two-factor code required",
                    "This account has two-factor sign-in on: send the code from your authenticator app as 'code'.",
                    new Dictionary<string, object?> { ["twoFactorRequired"] = true });
            default:
                return ApiProblems.Status(StatusCodes.Status401Unauthorized, "Sign-in failed", "The login or password is wrong.");
        }
    }

    /// Exchanges a refresh token (from /token) for a new access token, unless the password or
    /// 2FA settings changed since (the security stamp no longer matches).
    private static async Task<IResult> Refresh(RefreshRequest body, HttpContext http, SignInManager<AppUser> signIn, TimeProvider clock,
        Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenOptions> bearer)
    {
        if (string.IsNullOrWhiteSpace(body.RefreshToken) || body.RefreshToken.Length > 4096)
            return new FieldErrors().Add("refreshToken", "Refresh token is required.").ToProblem();
        var ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(body.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires ||
            await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
            return ApiProblems.Status(StatusCodes.Status401Unauthorized, "Refresh failed", "The refresh token is invalid or expired. Sign in again.");
        return Results.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
    }

    private static async Task<IResult> RequestReset(PasswordResetRequest body, HttpContext http, RequestPasswordReset reset, AuthThrottle throttle, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var login = errors.Text("login", body.Login, AccountLookup.MaxLoginLength);
        if (errors.Any) return errors.ToProblem();
        if (throttle.TryAcquire(AuthAction.PasswordReset, http, login) is { } wait)
            return AuthThrottle.TooManyRequests(http, wait);
        await reset.HandleAsync(login!, ct);
        return Results.Accepted(value: new { message = "If an account exists for this login, a reset code is on its way by SMS." });
    }

    private static async Task<IResult> ConfirmReset(PasswordResetConfirmRequest body, HttpContext http, ConfirmPasswordReset confirm, AuthThrottle throttle, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var login = errors.Text("login", body.Login, AccountLookup.MaxLoginLength);
        var token = errors.Text("token", body.Token, 64);
        if (string.IsNullOrEmpty(body.NewPassword)) errors.Add("newPassword", "New password is required.");
        else if (body.NewPassword.Length > RegisterAccount.MaxPassword) errors.Add("newPassword", "New password is too long.");
        if (errors.Any) return errors.ToProblem();
        // Guessing codes is a sign-in attempt by another name: same per-IP and per-login limits.
        if (throttle.TryAcquire(AuthAction.SignIn, http, login) is { } wait)
            return AuthThrottle.TooManyRequests(http, wait);

        return await confirm.HandleAsync(login!, token!, body.NewPassword!, ct) switch
        {
            ResetOutcome.Done => Results.NoContent(),
            ResetOutcome.InvalidPassword p => p.Errors.ToProblem(),
            _ => ApiProblems.Validation(new Dictionary<string, string[]> { ["token"] = ["The reset code is wrong, already used or expired."] },
                "The reset code is wrong, already used or expired. Ask for a new one."),
        };
    }

    private static async Task<IResult> Me(ClaimsPrincipal principal, UserManager<AppUser> users)
    {
        if (await users.GetUserAsync(principal) is not { } user) return Results.Unauthorized();
        return Results.Ok(new MeResponse(user.Id, user.PhoneNumber ?? user.UserName!, user.FullName, user.Email, user.TwoFactorEnabled, user.PhoneNumberConfirmed));
    }

    private static async Task<IResult> SetupTwoFactor(ClaimsPrincipal principal, UserManager<AppUser> users, TwoFactor twoFactor)
    {
        if (await users.GetUserAsync(principal) is not { } user) return Results.Unauthorized();
        return await twoFactor.SetupAsync(user) is { } setup
            ? Results.Ok(new { sharedKey = setup.SharedKey, otpauthUri = setup.OtpauthUri })
            : ApiProblems.Status(StatusCodes.Status409Conflict, "Two-factor already on", "Turn two-factor sign-in off before setting up a new key.");
    }

    private static Task<IResult> EnableTwoFactor(TwoFactorCodeRequest body, HttpContext http, UserManager<AppUser> users, TwoFactor twoFactor, AuthThrottle throttle) =>
        CheckCodeAsync(body, http, users, throttle, user => twoFactor.EnableAsync(user, body.Code!),
            "The code does not match. Run setup first, then enter the current code from your app.");

    private static Task<IResult> DisableTwoFactor(TwoFactorCodeRequest body, HttpContext http, UserManager<AppUser> users, TwoFactor twoFactor, AuthThrottle throttle) =>
        CheckCodeAsync(body, http, users, throttle, user => twoFactor.DisableAsync(user, body.Code!), "The code does not match.");

    /// Enabling and disabling 2FA check a code: limited like sign-in attempts for the account,
    /// and wrong codes count towards its lockout (423), as on the security page.
    private static async Task<IResult> CheckCodeAsync(TwoFactorCodeRequest body, HttpContext http, UserManager<AppUser> users, AuthThrottle throttle,
        Func<AppUser, Task<TwoFactorOutcome>> check, string wrong)
    {
        var errors = new FieldErrors();
        errors.Text("code", body.Code, 16);
        if (errors.Any) return errors.ToProblem();
        if (await users.GetUserAsync(http.User) is not { } user) return Results.Unauthorized();
        if (throttle.TryAcquire(AuthAction.SignIn, http, user.UserName) is { } wait)
            return AuthThrottle.TooManyRequests(http, wait);
        switch (await check(user))
        {
            case TwoFactorOutcome.Done:
                return Results.NoContent();
            case TwoFactorOutcome.LockedOut locked:
                AuthThrottle.SetRetryAfter(http, locked.RetryAfter);
                return ApiProblems.Status(StatusCodes.Status423Locked, "Account locked",
                    "Too many wrong codes. The account is locked for a while; try later.");
            default:
                return ApiProblems.Validation(new Dictionary<string, string[]> { ["code"] = [wrong] });
        }
    }
}
