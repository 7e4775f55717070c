#pragma once
// The board's use cases built on one set of repositories: what the composition root
// (src/app) makes from an opened backend and hands to the API.
//
//   domain::Services services(backend->repositories(), account_options, board_limits);
//   services.boards().get(ctx, user_id, board_id);   // on the backend's executor

#include "domain/account_service.hpp"
#include "domain/board_limits.hpp"
#include "domain/board_service.hpp"
#include "domain/element_service.hpp"
#include "domain/repositories.hpp"

namespace domain {

// A backend's repositories; they must outlive the services built on them.
struct Repositories {
  UserRepository& users;
  SessionRepository& sessions;
  BoardRepository& boards;
  ElementRepository& elements;
};

class Services {
 public:
  Services(const Repositories& repositories, AccountOptions accounts, BoardLimits limits = {});
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  AccountService& accounts() noexcept { return accounts_; }
  BoardService& boards() noexcept { return boards_; }
  ElementService& elements() noexcept { return elements_; }

 private:
  AccountService accounts_;
  BoardService boards_;
  ElementService elements_;
};

}  // namespace domain
