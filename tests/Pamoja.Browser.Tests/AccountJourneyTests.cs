using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pamoja.Browser.Tests;

/// A member on a phone-sized screen: registers, signs out, forgets the password, gets the code
/// by SMS (the sandbox's inbox), resets it and signs in again — in a real Chromium.
[Collection(BrowserCollection.Name)]
public sealed partial class AccountJourneyTests(AppProcesses app)
{
    [Fact]
    public async Task A_member_registers_resets_the_password_by_SMS_and_signs_in_on_a_phone()
    {
        var phone = Phones.Fresh();
        var page = await app.PhonePageAsync();

        await page.GotoAsync("/account/register");
        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.GetByLabel("Full name").FillAsync("Amina Njeri");
        await page.GetByLabel("Password").FillAsync("sunrise over lake victoria");
        await AppProcesses.ScreenshotAsync(page, "01-register");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Welcome, Amina Njeri")).ToBeVisibleAsync();
        await AssertFitsWidthAsync(page);
        await AppProcesses.ScreenshotAsync(page, "02-home-signed-in");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/account/forgot-password");
        await page.GetByLabel("Phone number or email").FillAsync(phone);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("code", RegexOptions.IgnoreCase) }).ClickAsync();
        await AppProcesses.ScreenshotAsync(page, "03-reset-sent");

        var code = await ResetCodeAsync(phone);
        await page.GetByLabel("Code", new() { Exact = false }).First.FillAsync(code);
        await page.GetByLabel("New password").FillAsync("moonrise over mount kenya");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("password", RegexOptions.IgnoreCase) }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your password was changed")).ToBeVisibleAsync();

        await page.GetByLabel("Phone number or email").FillAsync(phone);
        await page.GetByLabel("Password").FillAsync("moonrise over mount kenya");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Welcome, Amina Njeri")).ToBeVisibleAsync();
        await AppProcesses.ScreenshotAsync(page, "04-signed-in-again");
    }

    [Fact]
    public async Task The_sign_in_page_is_keyboard_usable_and_fits_a_360px_screen()
    {
        var page = await app.PhonePageAsync();
        await page.GotoAsync("/account/sign-in");
        await AssertFitsWidthAsync(page);
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));

        // Tab from the top reaches the login field, then the password, by keyboard alone.
        var reached = new List<string?>();
        for (var i = 0; i < 12; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string?>("document.activeElement && document.activeElement.id"));
        }
        Assert.Contains("Input_Login", reached);
        Assert.Contains("Input_Password", reached);
        await AppProcesses.ScreenshotAsync(page, "05-sign-in");
    }

    [Fact]
    public async Task A_member_switches_the_pages_to_Swahili_and_back_from_the_footer_on_a_phone()
    {
        var page = await app.PhonePageAsync();
        await page.GotoAsync("/account/sign-in");
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Kiswahili" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "sw");
        Assert.EndsWith("/account/sign-in", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jisajili", Exact = true })).ToBeVisibleAsync();
        await AssertFitsWidthAsync(page);
        await AppProcesses.ScreenshotAsync(page, "06-sign-in-swahili");

        // The choice is remembered on the next page, and undone the same way.
        await page.GotoAsync("/account/register");
        Assert.Equal("sw", await page.GetAttributeAsync("html", "lang"));
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true })).ToBeVisibleAsync();
    }

    private static async Task AssertFitsWidthAsync(IPage page)
    {
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 360, $"the page is {scrollWidth}px wide on a 360px screen");
    }

    private async Task<string> ResetCodeAsync(string phone)
    {
        using var http = new HttpClient { BaseAddress = app.SandboxUrl };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var messages = await http.GetFromJsonAsync<JsonElement>($"/sandbox/messages?to={Uri.EscapeDataString(phone)}");
            foreach (var message in messages.EnumerateArray())
                if (CodePattern().Match(message.GetProperty("body").GetString()!) is { Success: true } match)
                    return match.Groups[1].Value;
            await Task.Delay(200);
        }
        throw new TimeoutException("The reset SMS never reached the sandbox.");
    }

    [GeneratedRegex(@"reset code is ([A-Z0-9]{5}-[A-Z0-9]{5})")]
    private static partial Regex CodePattern();
}
