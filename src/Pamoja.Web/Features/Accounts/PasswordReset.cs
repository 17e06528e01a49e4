using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pamoja.Web.Data;
using Pamoja.Web.Features.Audit;
using Pamoja.Web.Features.Notifications;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts;

/// Step 1: send a single-use code (and a link carrying it) by SMS. Says nothing about whether
/// the account exists: the caller always gets the same answer, and the SMS goes through the
/// outbox after the response. The time taken is not quite the same: a known account costs one
/// short transaction more (milliseconds), which patient measuring could tell apart. The
/// per-IP and per-login limits keep that slow, and registration (equally rate-limited) answers
/// 409 for a number that has an account anyway, so timing here reveals nothing new.
public sealed class RequestPasswordReset(
    AppDbContext db, AccountLookup lookup, TimeProvider clock, IOptions<AccountOptions> options, OutboxSignal outbox, PublicUrls urls)
{
    public async Task HandleAsync(string login, CancellationToken ct = default)
    {
        var user = await lookup.FindByLoginAsync(login);
        if (user?.PhoneNumber is null)
            return;

        var now = clock.GetUtcNow();
        var lifetime = options.Value.PasswordResetLifetime;
        var code = ResetCode.New();
        var minutes = Math.Max(1, (int)Math.Round(lifetime.TotalMinutes));
        var link = urls.Absolute($"/account/reset-password?login={Uri.EscapeDataString(user.PhoneNumber)}&code={code}");
        var values = new Dictionary<string, string>
        {
            ["code"] = ResetCode.Display(code),
            ["minutes"] = minutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["link"] = link,
        };

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A new code replaces any earlier one still outstanding.
        await db.PasswordResetTokens.Where(t => t.UserId == user.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        db.PasswordResetTokens.Add(new PasswordResetToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            TokenHash = ResetCode.Hash(code),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        db.Outbox.Add(OutboxMessage.Notice(user.PhoneNumber, "password-reset", values, now, sensitive: true, urgent: true));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
    }
}

public abstract record ResetOutcome
{
    public sealed record Done : ResetOutcome;
    public sealed record InvalidCode : ResetOutcome;
    public sealed record InvalidPassword(FieldErrors Errors) : ResetOutcome;
}

/// Step 2: the code and a new password. The code is consumed by a conditional UPDATE in the
/// same transaction as the password change, so it works once, even when sent twice at once.
public sealed class ConfirmPasswordReset(AppDbContext db, UserManager<AppUser> users, AccountLookup lookup, TimeProvider clock,
    ILogger<ConfirmPasswordReset> logger)
{
    public async Task<ResetOutcome> HandleAsync(string login, string code, string newPassword, CancellationToken ct = default)
    {
        var user = await lookup.FindByLoginAsync(login);
        if (user is null || code.Length > 32)
            return new ResetOutcome.InvalidCode();

        var errors = new FieldErrors();
        foreach (var validator in users.PasswordValidators)
            foreach (var error in (await validator.ValidateAsync(users, user, newPassword)).Errors)
                errors.Add("newPassword", error.Description);
        if (errors.Any)
            return new ResetOutcome.InvalidPassword(errors);

        var now = clock.GetUtcNow();
        var hash = ResetCode.Hash(code);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Expiry is strict: at exactly created_at + lifetime the code no longer works.
        var consumed = await db.PasswordResetTokens
            .Where(t => t.UserId == user.Id && t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (consumed != 1)
            return new ResetOutcome.InvalidCode();

        user.PasswordHash = users.PasswordHasher.HashPassword(user, newPassword);
        user.AccessFailedCount = 0;
        user.LockoutEnd = null; // proving control of the phone ends a lockout
        if (!user.PhoneNumberConfirmed)
        {
            // The code reached this phone, so whoever used it holds the phone. Until now nobody
            // had proven that (sign-up does not check yet): if two-factor sign-in is on, whoever
            // registered the number set it up, and it must not lock the number's owner out.
            user.PhoneNumberConfirmed = true;
            if (user.TwoFactorEnabled)
            {
                user.TwoFactorEnabled = false;
                await users.ResetAuthenticatorKeyAsync(user); // the old key is worthless from now on
                AuditTrail.Record(db, clock, null, user.Id, "account.two_factor_reset", "user", user.Id,
                    new { twoFactorEnabled = true, phoneConfirmed = false },
                    new { twoFactorEnabled = false, phoneConfirmed = true, reason = "password reset by SMS before the phone was confirmed" });
                logger.LogWarning("Account {UserId}: first password reset by SMS; two-factor sign-in, set up before the phone was confirmed, is off and its key replaced",
                    user.Id);
            }
        }
        var updated = await users.UpdateSecurityStampAsync(user); // also signs out other web sessions
        if (!updated.Succeeded)
            throw new InvalidOperationException("Could not save the new password: " + string.Join("; ", updated.Errors.Select(e => e.Description)));
        await tx.CommitAsync(ct);
        return new ResetOutcome.Done();
    }
}
