using Microsoft.AspNetCore.Identity;
using Pamoja.Core.Phones;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Accounts;

public sealed record RegisterRequest(string? Phone, string? FullName, string? Password, string? Email);

public abstract record RegisterOutcome
{
    public sealed record Created(AppUser User) : RegisterOutcome;
    public sealed record Invalid(FieldErrors Errors) : RegisterOutcome;
    public sealed record AlreadyRegistered(string Field) : RegisterOutcome;
}

/// Creates an account with the phone number as the login. Used by the API and the register page.
public sealed class RegisterAccount(UserManager<AppUser> users, TimeProvider clock)
{
    public const int MaxFullName = 100, MaxPassword = 128, MaxEmail = 254;

    public async Task<RegisterOutcome> HandleAsync(RegisterRequest request)
    {
        var errors = new FieldErrors();
        var rawPhone = errors.Text("phone", request.Phone, PhoneNumber.MaxInputLength);
        PhoneNumber phone = default;
        if (rawPhone is not null && !PhoneNumber.TryParse(rawPhone, out phone))
            errors.Add("phone", "Phone number must be in international form, e.g. +254712345678.");
        var fullName = errors.Text("fullName", request.FullName, MaxFullName);
        var password = request.Password;
        if (string.IsNullOrEmpty(password))
            errors.Add("password", "Password is required.");
        else if (password.Length > MaxPassword)
            errors.Add("password", $"Password must be at most {MaxPassword} characters.");
        var email = errors.Text("email", request.Email, MaxEmail, required: false);
        if (email is not null && !System.Net.Mail.MailAddress.TryCreate(email, out _))
            errors.Add("email", "Email is not a valid address.");

        var now = clock.GetUtcNow();
        var user = new AppUser
        {
            Id = Guid.CreateVersion7(now),
            UserName = phone.Value,
            PhoneNumber = phone.Value,
            Email = email,
            FullName = fullName ?? "",
            CreatedAt = now,
            LockoutEnabled = true,
        };

        // Password rules run even when other fields are wrong, so one submit shows every problem.
        if (!string.IsNullOrEmpty(password) && password.Length <= MaxPassword)
            foreach (var validator in users.PasswordValidators)
                foreach (var error in (await validator.ValidateAsync(users, user, password)).Errors)
                    errors.Add("password", error.Description);
        if (errors.Any)
            return new RegisterOutcome.Invalid(errors);

        if (await users.FindByNameAsync(phone.Value) is not null)
            return new RegisterOutcome.AlreadyRegistered("phone");
        if (email is not null && await users.FindByEmailAsync(email) is not null)
            return new RegisterOutcome.AlreadyRegistered("email");

        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, password!);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: "23505" } pg)
        {
            // Two registrations for one phone or email at the same instant: the unique index decides.
            return new RegisterOutcome.AlreadyRegistered(pg.ConstraintName?.Contains("email", StringComparison.Ordinal) == true ? "email" : "phone");
        }
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                if (error.Code is "DuplicateUserName") return new RegisterOutcome.AlreadyRegistered("phone");
                if (error.Code is "DuplicateEmail") return new RegisterOutcome.AlreadyRegistered("email");
                errors.Add(error.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "body", error.Description);
            }
            return new RegisterOutcome.Invalid(errors);
        }
        return new RegisterOutcome.Created(user);
    }
}
