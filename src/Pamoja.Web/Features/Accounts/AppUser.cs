using Microsoft.AspNetCore.Identity;

namespace Pamoja.Web.Features.Accounts;

/// A person with a Pamoja login. UserName is always the E.164 phone number; PhoneNumber holds
/// the same value so Identity's phone features work; Email is optional.
public sealed class AppUser : IdentityUser<Guid>
{
    public string FullName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class Roles
{
    public const string Operator = "operator";
}
