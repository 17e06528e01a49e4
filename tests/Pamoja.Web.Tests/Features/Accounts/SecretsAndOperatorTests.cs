using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Accounts;

public sealed class SecretsAndOperatorTests
{
    [Fact]
    public async Task Passwords_tokens_and_reset_codes_never_reach_the_logs()
    {
        await using var app = await PamojaFactory.CreateAsync();
        var client = app.ApiClient();
        var phone = TestData.Phone();
        await TestData.RegisterAsync(client, phone);
        var token = (await (await TestData.TokenAsync(client, phone, TestData.Password)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("accessToken").GetString()!;
        await TestData.TokenAsync(client, phone, "a wrong password here");
        await client.PostAsJsonAsync("/api/v1/auth/password-reset", new { login = phone });
        var code = TestData.ResetCodeFrom(await TestData.SmsAsync(phone));
        const string newPassword = "the secret new passphrase";
        await client.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { login = phone, token = code, newPassword });

        var logs = string.Join('\n', app.Logs.Lines);
        Assert.NotEmpty(app.Logs.Lines);
        Assert.DoesNotContain(TestData.Password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("a wrong password here", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(newPassword, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(code, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_from_the_environment_exists_after_start_up_with_the_operator_role()
    {
        var phone = TestData.Phone();
        const string password = "operator passphrase 2026";
        var settings = new Dictionary<string, string?> { ["PAMOJA_OPERATOR_PHONE"] = phone, ["PAMOJA_OPERATOR_PASSWORD"] = password };
        await using (var app = await PamojaFactory.CreateAsync(settings: settings))
        {
            Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(app.ApiClient(), phone, password)).StatusCode);
            using var scope = app.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True(await users.IsInRoleAsync((await users.FindByNameAsync(phone))!, Roles.Operator));
        }
        // A second start with the same settings finds the account and changes nothing.
        await using (var again = await PamojaFactory.CreateAsync(settings: settings))
            Assert.Equal(HttpStatusCode.OK, (await TestData.TokenAsync(again.ApiClient(), phone, password)).StatusCode);
    }

    [Theory]
    [InlineData(AccountsModule.ApiPolicy)]
    [InlineData(AccountsModule.OperatorPolicy)]
    public async Task Api_policies_accept_bearer_tokens_only_never_the_web_cookie(string name)
    {
        // A cookie authorising an API call would let any site make a signed-in browser act (CSRF).
        var app = await PamojaFactory.SharedAsync();
        var policy = await app.Services.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider>().GetPolicyAsync(name);
        Assert.NotNull(policy);
        Assert.Equal([IdentityConstants.BearerScheme], policy.AuthenticationSchemes);
    }
}
