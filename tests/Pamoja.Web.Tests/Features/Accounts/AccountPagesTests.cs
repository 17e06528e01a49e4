using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Accounts;

public sealed class AccountPagesTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Browser()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        return client;
    }

    public static Dictionary<string, string> Registration(string phone) => new()
    {
        ["Input.Phone"] = phone,
        ["Input.FullName"] = "Page Member",
        ["Input.Password"] = TestData.Password,
    };

    [Theory]
    [InlineData("/")]
    [InlineData("/account/register")]
    [InlineData("/account/sign-in")]
    [InlineData("/account/forgot-password")]
    [InlineData("/account/reset-password")]
    public async Task Public_pages_render_in_English_with_a_form_that_works_without_javascript(string path)
    {
        var response = await Browser().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var phone = TestData.Phone();
        var client = Browser();
        var response = await client.PostAsync("/account/register", new FormUrlEncodedContent(Registration(phone)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType); // a page for people, not JSON
        Assert.Contains("This form has expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestData.TokenAsync(_app.ApiClient(), phone, TestData.Password)).StatusCode);
    }

    [Fact]
    public async Task Register_signs_in_and_sign_out_ends_the_session()
    {
        var client = Browser();
        var registered = await Forms.SubmitAsync(client, "/account/register", Registration(TestData.Phone()));
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/security")).StatusCode);

        var signedOut = await Forms.SubmitAsync(client, "/account/sign-out", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var security = await client.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.Redirect, security.StatusCode);
        Assert.StartsWith("/account/sign-in", security.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_with_a_wrong_password_shows_an_error_and_no_session()
    {
        var phone = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), phone);
        var client = Browser();
        var wrong = await Forms.SubmitAsync(client, "/account/sign-in", new Dictionary<string, string> { ["Input.Login"] = phone, ["Input.Password"] = "not my password" });
        Assert.Contains("The login or password is wrong.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/account/security")).StatusCode);

        var right = await Forms.SubmitAsync(client, "/account/sign-in", new Dictionary<string, string> { ["Input.Login"] = phone, ["Input.Password"] = TestData.Password });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/security")).StatusCode);
    }

    [Fact]
    public async Task Registration_shows_every_problem_at_once()
    {
        var response = await Forms.SubmitAsync(Browser(), "/account/register", new Dictionary<string, string>
        {
            ["Input.Phone"] = "0712345678",
            ["Input.FullName"] = "",
            ["Input.Password"] = "password123",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("international form", html, StringComparison.Ordinal);
        Assert.Contains("Full name is required", html, StringComparison.Ordinal);
        Assert.Contains("commonly used passwords", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_signed_in_header_greets_the_member_by_name()
    {
        var client = Browser();
        await Forms.SubmitAsync(client, "/account/register", Registration(TestData.Phone()));
        Assert.Contains("Page Member", await client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forgot_password_answers_the_same_for_known_and_unknown_logins()
    {
        var known = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), known);
        var a = await Forms.SubmitAsync(Browser(), "/account/forgot-password", new Dictionary<string, string> { ["Input.Login"] = known });
        var unknown = TestData.Phone();
        var b = await Forms.SubmitAsync(Browser(), "/account/forgot-password", new Dictionary<string, string> { ["Input.Login"] = unknown });
        Assert.Equal(a.StatusCode, b.StatusCode);
        Assert.Equal(a.Headers.Location?.ToString().Replace(Uri.EscapeDataString(known), "", StringComparison.Ordinal),
                     b.Headers.Location?.ToString().Replace(Uri.EscapeDataString(unknown), "", StringComparison.Ordinal));
        await TestData.SmsAsync(known);
    }
}

/// The web session ends after 30 minutes without a request, and lives on while it is used.
public sealed class SessionIdleTimeoutTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.CreateAsync(_clock);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_session_survives_activity_and_ends_after_thirty_idle_minutes()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SubmitAsync(client, "/account/register", AccountPagesTests.Registration(TestData.Phone()))).StatusCode);

        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/security")).StatusCode);
        }

        _clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await client.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/account/sign-in", expired.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
