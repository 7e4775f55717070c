#include "domain/services.hpp"

namespace domain {

Services::Services(const Repositories& repositories, AccountOptions accounts,
                   BoardEventPublisher& publisher, SyncOptions sync)
    : accounts_(repositories.users, repositories.sessions, accounts),
      boards_(repositories.boards, repositories.users, publisher, accounts.clock),
      elements_(repositories.elements, repositories.boards, publisher, accounts.clock),
      sync_(repositories.events, repositories.boards, sync, accounts.clock) {}

}  // namespace domain
