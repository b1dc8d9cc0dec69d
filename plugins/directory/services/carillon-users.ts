/** The part of core's UserService the directory needs: linking contacts to Carillon users. */
export interface UserLookup {
  list(filter: { limit: number; offset: number }): Promise<{ items: Array<{ id: number; email: string }>; total: number }>;
}

/** Carillon users by e-mail and by id, read once per import or export (users are few). */
export class CarillonUsers {
  constructor(private readonly users: UserLookup) {}

  async all(): Promise<Array<{ id: number; email: string }>> {
    const result: Array<{ id: number; email: string }> = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.users.list({ limit: 500, offset });
      result.push(...page.items.map((u) => ({ id: u.id, email: u.email })));
      if (page.items.length < 500) return result;
    }
  }

  async idsByEmail(): Promise<Map<string, number>> {
    return new Map((await this.all()).map((u) => [u.email.toLowerCase(), u.id]));
  }

  async emailsById(): Promise<Map<number, string>> {
    return new Map((await this.all()).map((u) => [u.id, u.email]));
  }
}
